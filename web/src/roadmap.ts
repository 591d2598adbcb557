// Roadmap view (planner keys, decisions 0178, 0184, 0210): the server's roadmap scenarios, one run as a background simulation job
// with its progress in years, then the run-out table (where and when the grid runs out first, and how much shifting defers it)
// and a timeline of the run-out years, with the areas' names in the page's language.
import { get, post, type RunOutRow, type SimulationJob } from "./api";
import { chartIn, type Chart } from "./charts";
import { areaName, language, num, t } from "./i18n";
import { areaByCode, cell, drawRunList, escape, on, showError, state } from "./state";

let chart: Chart;
let roadmaps: string[] = [];
let job: SimulationJob | null = null;
let rows: RunOutRow[] = [];

export function initRoadmap(): void {
  chart = chartIn(document.getElementById("run-out-chart")!);
  on("me", () => void refreshRoadmap());
  on("language", () => { drawRoadmaps(); drawJob(); drawRows(); });
}

/** Called when the tab is shown: the chart takes its size then. */
export function showRoadmap(): void {
  chart.resize();
}

export async function refreshRoadmap(): Promise<void> {
  const planner = state.me?.role === "planner";
  document.getElementById("roadmap-need-key")!.hidden = planner;
  document.getElementById("roadmap-body")!.hidden = !planner;
  if (!planner) { roadmaps = []; job = null; rows = []; return; }
  try {
    roadmaps = await get<string[]>("/api/simulation/scenarios?kind=roadmap");
    drawRoadmaps();
    drawRows();
  } catch (error) {
    showError(error);
  }
}

/** Applies a simulation-job event (progress, or the end) of the roadmap job this page started. */
export async function applySimulationJob(status: SimulationJob): Promise<void> {
  if (!job || status.id !== job.id) return;
  job = status;
  drawJob();
  if (status.state === "done") {
    rows = await get<RunOutRow[]>(`/api/simulations/${encodeURIComponent(status.id)}/run-out`);
    drawRows();
  }
}

function drawRoadmaps(): void {
  drawRunList("roadmaps", roadmaps, "roadmap", t("roadmap.none"), t("roadmap.run"), async (name) => {
    rows = [];
    drawRows();
    job = await post<SimulationJob>("/api/simulations", { scenario: name });
    drawJob();
    // The job may have finished before this page saw its events.
    await applySimulationJob(await get<SimulationJob>(`/api/simulations/${encodeURIComponent(job.id)}`));
  });
}

function drawJob(): void {
  const p = document.getElementById("roadmap-progress")!;
  p.dataset.state = job?.state ?? "";
  if (!job) { p.textContent = ""; return; }
  p.textContent = `${job.scenario}: ` + (job.state === "running"
    ? t("roadmap.running", { stage: job.stage, done: job.stepsDone, total: job.stepsTotal })
    : job.state === "done"
      ? t("roadmap.done", { clusters: rows.length || (job.runOut?.length ?? 0), first: rows[0]?.lastYear ?? job.runOut?.[0]?.lastYear ?? "" })
      : t("roadmap.failed", { error: job.error ?? job.state }));
}

/** The area's name in the page's language (東京 / Tokyo), from the server's areas, else the row's own. */
function areaOf(row: RunOutRow): string {
  const area = areaByCode(row.area);
  return area ? areaName(area) : row.areaNameJa;
}

function year(value: number | null, last: number): string {
  return value === null ? t("roadmap.never", { year: last }) : String(value);
}

/** "To defer it one year" (decisions 0226, 0234): the line to uprate by the run-out year and by how much, the JSON's 0.1 MW rounded up to
 *  1 MW as the report rounds the exact figure; "—" when not known. */
function uprate(r: RunOutRow): string {
  if (r.runsOut === null || r.lineUprateMw === null || !r.uprateLine) return "—";
  const line = r.limitingLine !== null && r.uprateLine !== r.limitingLine ? t("roadmap.eachCircuit", { line: r.uprateLine }) : r.uprateLine;
  const text = t(r.lineUprateAtLeast ? "roadmap.uprateAtLeast" : "roadmap.uprate", { line, mw: num(Math.ceil(r.lineUprateMw - 1e-6), 0), year: r.runsOut });
  // Other lines that set the room in hours over it (decision 0234): that uprate alone does not defer the run-out.
  const others = (r.otherLines ?? []).map((o) => t("roadmap.lineHours", { line: o.line, hours: num(o.hours, 0) }));
  return others.length === 0 ? text : text + t("roadmap.alsoOver", { lines: others.join(language() === "ja" ? "、" : ", ") });
}

function drawRows(): void {
  const body = document.querySelector("#run-out-table tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  for (const r of rows) {
    const row = body.insertRow();
    row.dataset.cluster = r.cluster;
    cell(row, r.cluster);
    cell(row, areaOf(r));
    cell(row, r.substation);
    cell(row, year(r.runsOut, r.lastYear), "num");
    cell(row, year(r.runsOutWithShifting, r.lastYear), "num");
    cell(row, r.yearsDeferred === null ? "—" : (r.runsOutWithShifting === null ? "≥ " : "") + String(r.yearsDeferred), "num");
    cell(row, r.limitingLine ?? "—");
    cell(row, uprate(r));
    cell(row, num(r.reinforcementMw, 0), "num");
    cell(row, num(r.reinforcementShiftedMw, 0), "num");
  }
  drawJob();
  // The timeline: one row per cluster (its name and area), the year it runs out without shifting (square) and with (circle);
  // a cluster that fits to the last year sits one year past it.
  const names = rows.map((r) => `${r.cluster}（${areaOf(r)}）`);
  const last = rows[0]?.lastYear ?? 0;
  const point = (value: number | null, i: number) => ({ value: [value ?? last + 1, i], label: `${names[i]}: ${year(value, last)}` });
  chart.setOption({
    tooltip: { trigger: "item", formatter: (x: { data: { label: string } }) => escape(x.data.label) },
    legend: { top: 0, data: [t("roadmap.plotWithout"), t("roadmap.plotWith")] },
    grid: { left: 180, right: 30, top: 40, bottom: 40 },
    xAxis: { type: "value", min: rows[0]?.firstYear, max: last ? last + 1 : undefined, interval: 1, axisLabel: { formatter: (v: number) => (v > last ? t("roadmap.never", { year: last }) : String(v)) } },
    yAxis: { type: "category", data: names, inverse: true },
    series: [
      { name: t("roadmap.plotWithout"), type: "scatter", symbol: "rect", symbolSize: 18, itemStyle: { color: "#c0392b" }, data: rows.map((r, i) => point(r.runsOut, i)) },
      { name: t("roadmap.plotWith"), type: "scatter", symbol: "circle", symbolSize: 9, itemStyle: { color: "#2c7fb8" }, data: rows.map((r, i) => point(r.runsOutWithShifting, i)) },
    ],
  }, { replaceMerge: ["series", "yAxis", "xAxis"] });
  const el = document.getElementById("run-out-chart")!;
  el.dataset.points = rows.map((r) => `${r.cluster}:${r.runsOut ?? "-"}:${r.runsOutWithShifting ?? "-"}`).join(" ");
  el.dataset.labels = names.join("|");
}
