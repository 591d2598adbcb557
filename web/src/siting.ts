// Siting view (planner keys): the server's studies, a ranking started in the background with its progress, and the
// ranked candidates in a table and on a map.
import { get, post, type RankedFeature, type SitingJob } from "./api";
import { chartIn, japan, type Chart } from "./charts";
import { areaName, language, num, t } from "./i18n";
import { areaByCode, cell, drawRunList, escape, on, showError, state } from "./state";

let chart: Chart;
let studies: string[] = [];
let job: SitingJob | null = null;
let ranked: RankedFeature[] = [];

export function initSiting(): void {
  chart = chartIn(document.getElementById("siting-map")!);
  on("me", () => void refreshSiting());
  on("language", () => { drawStudies(); drawJob(); drawRanked(); });
}

export async function refreshSiting(): Promise<void> {
  const planner = state.me?.role === "planner";
  document.getElementById("siting-need-key")!.hidden = planner;
  document.getElementById("siting-body")!.hidden = !planner;
  if (!planner) { studies = []; job = null; ranked = []; return; }
  try {
    studies = await get<string[]>("/api/siting/studies");
    drawStudies();
    drawRanked();
  } catch (error) {
    showError(error);
  }
}

/** Applies a siting-job event (a stage done, or the end). */
export async function applySitingJob(status: SitingJob): Promise<void> {
  if (job && status.id !== job.id) return;
  job = status;
  drawJob();
  if (status.state === "done") {
    const report = await get<{ features: RankedFeature[] }>(`/api/siting/rankings/${encodeURIComponent(status.id)}/report?format=geojson`);
    ranked = report.features
      .filter((f) => typeof f.properties.rank === "number")
      .sort((a, b) => (a.properties.rank as number) - (b.properties.rank as number));
    drawRanked();
  }
}

function drawStudies(): void {
  drawRunList("studies", studies, "study", t("siting.none"), t("siting.run"), async (name) => {
    ranked = [];
    drawRanked();
    job = await post<SitingJob>("/api/siting/rankings", { study: name });
    drawJob();
    // The job may have finished before this page subscribed to its events.
    await applySitingJob(await get<SitingJob>(`/api/siting/rankings/${encodeURIComponent(job.id)}`));
  });
}

function drawJob(): void {
  const p = document.getElementById("siting-progress")!;
  p.dataset.state = job?.state ?? "";
  if (!job) { p.textContent = ""; return; }
  p.textContent = `${job.study}: ` + (job.state === "running"
    ? t("siting.running", { stage: job.stage, done: job.stagesDone })
    : job.state === "done"
      ? t("siting.done", { ranked: job.ranked ?? 0, candidates: job.candidates ?? 0 })
      : t("siting.failed", { error: job.error ?? "" }));
}

function drawRanked(): void {
  const body = document.querySelector("#ranked-table tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  const ja = language() === "ja";
  for (const f of ranked.slice(0, 50)) {
    const p = f.properties;
    const row = body.insertRow();
    row.dataset.candidate = String(p.id);
    cell(row, String(p.rank), "num");
    cell(row, String(p.name ?? p.id));
    cell(row, String((ja ? p.prefecture_ja : p.prefecture) ?? ""));
    const area = areaByCode(String(p.area ?? ""));
    cell(row, area ? areaName(area) : String(p.area ?? ""));
    cell(row, num(Number(p.score), 3), "num");
    cell(row, num(Number(p.headroom_now_mw), 0), "num");
  }
  const top = ranked.length ? Number(ranked[0]!.properties.score) : 1;
  chart.setOption({
    tooltip: { trigger: "item", formatter: (x: { data: { label: string } }) => escape(x.data.label) },
    geo: { map: japan, nameProperty: "code", roam: true, center: [135.2, 35.6], zoom: 1.25, itemStyle: { areaColor: "#eef1f4", borderColor: "#8a96a3" }, silent: true },
    series: [{
      type: "scatter", coordinateSystem: "geo",
      data: ranked.map((f) => ({
        value: f.geometry.coordinates,
        label: `${f.properties.rank}. ${f.properties.name ?? f.properties.id} (${num(Number(f.properties.score), 3)})`,
        symbolSize: 6 + 10 * Math.max(0, Number(f.properties.score) / (top || 1)),
        itemStyle: { color: Number(f.properties.rank) <= 10 ? "#c0392b" : "#2c7fb8" },
      })),
    }],
  }, { replaceMerge: ["series"] });
  document.getElementById("siting-map")!.dataset.candidateCount = String(ranked.length);
}
