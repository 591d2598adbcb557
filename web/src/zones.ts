// Welcome-zone view (ウェルカムゾーン, issue 15): the headroom layer's substations on the map, coloured by class for a
// chosen connection size over a chosen day, sized and labelled by the N-1 headroom of the hour the slider picks; a click
// shows the substation's hourly N-0/N-1 chart and the limiting line of every hour, with where the values come from.
import { ApiError, get, type LayerHours, type SubstationHours, type SubstationList, type ZoneMap } from "./api";
import { chartIn, japan, type Chart } from "./charts";
import { areaName, jst, language, num, t, type LabelKey } from "./i18n";
import { areaByCode, cell, escape, on, showError } from "./state";

/** The classes in the order of the legend, with their colours (docs/headroom-layer.md: the one rule). */
export const zoneColours: Record<string, string> = {
  firm: "#1a9850",
  dynamic: "#4575b4",
  curtailable: "#f39c12",
  constrained: "#d73027",
  missing: "#9e9e9e",
};

const hourMs = 3600_000;
let map: Chart;
let detailChart: Chart;
let list: SubstationList | null = null;
let zones = new Map<string, { zone: string; firmMw: number | null; hoursWithRoom: number; hours: number; line: string | null; source: string }>();
let hours: LayerHours | null = null;
let selected: string | null = null;
let detail: { id: string; name: string; source: string; synthetic: boolean; model: string; hours: Array<{ start: string; n0Mw: number | null; n1Mw: number | null; limitingLine: string | null; contingency: string | null }> } | null = null;
let loaded = false;
let wanted = false;
let refreshing: Promise<void> | null = null;
let again = false;

const mwInput = (): HTMLInputElement => document.getElementById("zones-mw") as HTMLInputElement;
const daySelect = (): HTMLSelectElement => document.getElementById("zones-day") as HTMLSelectElement;
const slider = (): HTMLInputElement => document.getElementById("zones-hour") as HTMLInputElement;

export function initZones(): void {
  map = chartIn(document.getElementById("zones-map")!);
  detailChart = chartIn(document.getElementById("zones-chart")!);
  map.on("click", (p) => {
    const id = (p.data as { id?: string } | undefined)?.id;
    if (id) void select(id);
  });
  mwInput().addEventListener("change", () => void refreshZones());
  daySelect().addEventListener("change", () => { slider().value = "0"; void refreshZones(); });
  slider().addEventListener("input", () => { draw(); drawDetail(); });
  document.getElementById("zones-refresh")!.addEventListener("click", () => void refreshZones());
  on("language", () => { fillDays(); draw(); drawDetail(); });
  if (wanted) showZones();
}

/** Loads the view the first time it is shown. */
export function showZones(): void {
  if (!map) { wanted = true; return; }
  if (!loaded) {
    loaded = true;
    void refreshZones();
  }
}

/** Whether the view has been loaded (live events refresh it only then). */
export function zonesLoaded(): boolean {
  return loaded;
}

/** The connection size in MW, or null when the field does not hold one. */
function size(): number | null {
  const v = Number(mwInput().value);
  return Number.isFinite(v) && v > 0 && v <= 10000 ? v : null;
}

/** Rereads the layer (the substations, their classes for the size and day, and the day's hours) and redraws. */
export function refreshZones(): Promise<void> {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = loadZones().finally(() => {
    refreshing = null;
    if (again) {
      again = false;
      void refreshZones();
    }
  });
  return refreshing;
}

async function loadZones(): Promise<void> {
  try {
    const mw = size();
    mwInput().setCustomValidity(mw === null ? t("zones.badMw") : "");
    if (mw === null) { mwInput().reportValidity(); return; }
    list = await get<SubstationList>("/api/grid/substations");
    fillDays();
    const day = daySelect().value;
    const from = new Date(day).toISOString();
    const to = new Date(Date.parse(day) + 24 * hourMs).toISOString();
    const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const [z, h] = await Promise.all([
      get<ZoneMap>(`/api/grid/welcome-zones?mw=${mw}&${q}`),
      get<LayerHours>(`/api/grid/headroom?${q}`),
    ]);
    zones = new Map(z.features.map((f) => [f.properties.id, {
      zone: f.properties.zone, firmMw: f.properties.firm_mw, hoursWithRoom: f.properties.hours_with_room, hours: f.properties.hours,
      line: f.properties.limiting_line, source: f.properties.source,
    }]));
    hours = h;
    const s = slider();
    s.max = String(Math.max(0, h.hours.length - 1));
    if (Number(s.value) > h.hours.length - 1) s.value = "0";
    const element = document.getElementById("zones-map")!;
    element.dataset.mw = String(mw);
    element.dataset.day = from;
    draw();
    if (selected) await select(selected);
  } catch (error) {
    showError(error);
  }
}

/** The layer's days (JST midnights), the current choice kept; the day that holds now is chosen first. */
function fillDays(): void {
  if (!list) return;
  const select = daySelect();
  const kept = select.value;
  const options: HTMLOptionElement[] = [];
  for (let t0 = Date.parse(list.from); t0 < Date.parse(list.to); t0 += 24 * hourMs) {
    const iso = new Date(t0).toISOString();
    const label = new Date(t0).toLocaleDateString(language() === "ja" ? "ja-JP" : "en-GB",
      { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit", weekday: "short" });
    options.push(new Option(label, iso));
  }
  select.replaceChildren(...options);
  const now = Date.now();
  const today = options.find((o) => Date.parse(o.value) <= now && now < Date.parse(o.value) + 24 * hourMs);
  select.value = options.some((o) => o.value === kept) ? kept : (today ?? options[0])?.value ?? "";
}

/** Index of the slider's hour, and its instant. */
function hourIndex(): number {
  return Math.min(Number(slider().value) || 0, Math.max(0, (hours?.hours.length ?? 1) - 1));
}

function at(row: SubstationHours | undefined, k: number): { n0: number | null; n1: number | null; line: string | null } {
  return { n0: row?.n0Mw[k] ?? null, n1: row?.n1Mw[k] ?? null, line: row?.limitingLine[k] ?? null };
}

function zoneName(zone: string): string {
  return t(`zone.${zone}` as LabelKey);
}

function draw(): void {
  if (!list || !hours) return;
  const mw = Number(document.getElementById("zones-map")!.dataset.mw ?? "50");
  const k = hourIndex();
  const instant = hours.hours[k];
  const byId = new Map(hours.substations.map((s) => [s.id, s]));
  const uploads = list.substations.filter((s) => s.source === "tso-upload").length;
  const labelled = list.substations.length <= 40;
  const located = list.substations.filter((s) => s.lat !== null && s.lon !== null);

  const hourLabel = document.getElementById("zones-hour-label")!;
  hourLabel.textContent = instant ? `${jst(instant)} JST` : "-";
  slider().dataset.hour = instant ?? "";
  const info = document.getElementById("zones-info")!;
  info.dataset.model = list.model;
  info.dataset.synthetic = String(list.synthetic);
  info.replaceChildren();
  const model = document.createElement("span");
  model.textContent = `${t("zones.model")}: ${list.model} · ${list.profile}`;
  info.append(model);
  if (list.synthetic) {
    const badge = document.createElement("span");
    badge.className = "badge synthetic";
    badge.textContent = t("zones.synthetic");
    info.append(" ", badge);
  }
  const src = document.createElement("span");
  src.className = "muted";
  src.textContent = ` · ${t("zones.uploads", { n: uploads })}`;
  info.append(src);

  const points = located.map((s) => {
    const z = zones.get(s.id);
    const zone = z?.zone ?? "missing";
    const h = at(byId.get(s.id), k);
    const colour = zoneColours[zone] ?? zoneColours.missing!;
    const room = h.n1 !== null && h.n1 >= mw;
    return {
      id: s.id, name: s.name, zone, n1: h.n1, n0: h.n0, line: h.line, source: s.source, colour, room,
      value: [s.lon as number, s.lat as number, h.n1 ?? 0],
      symbol: room ? "circle" : "emptyCircle",
      symbolSize: h.n1 === null ? 6 : 7 + 14 * Math.min(1, Math.max(0, h.n1) / (2 * mw)),
      itemStyle: { color: colour, borderColor: room ? "#fff" : colour, borderWidth: room ? 1 : 2 },
      label: { show: labelled, formatter: `${s.name} ${h.n1 === null ? "-" : num(h.n1, 0)}`, position: "right", fontSize: 11, color: "#222" },
    };
  });

  map.setOption({
    aria: { enabled: true },
    tooltip: {
      trigger: "item",
      formatter: (p: { seriesType: string; data?: (typeof points)[number] }) => {
        const d = p.data;
        if (p.seriesType !== "scatter" || !d) return "";
        return `${escape(d.name)} (${escape(d.id)})<br>${zoneName(d.zone)} · N-1 ${d.n1 === null ? "-" : num(d.n1, 1)} MW · N-0 ${d.n0 === null ? "-" : num(d.n0, 1)} MW`
          + `${d.line ? `<br>${t("zones.limiting")}: ${escape(d.line)}` : ""}<br>${t(d.source === "tso-upload" ? "source.upload" : "source.model")}`;
      },
    },
    geo: {
      map: japan, nameProperty: "code", roam: true, center: [137.5, 37.5], zoom: 1.4,
      itemStyle: { areaColor: "#eef1f4", borderColor: "#8a96a3" }, silent: true,
      label: { show: false },
    },
    series: [{ type: "scatter", coordinateSystem: "geo", z: 5, data: points, emphasis: { label: { show: true } } }],
  }, { replaceMerge: ["series"] });

  // What ECharts holds, for tests and assistive tech.
  const element = document.getElementById("zones-map")!;
  const drawn = (map.getOption() as { series: Array<{ data?: Array<{ id: string; itemStyle: { color: string } }> }> }).series[0]?.data ?? [];
  element.dataset.substationCount = String(drawn.length);
  element.dataset.hour = instant ?? "";
  element.setAttribute("aria-label", `${t("tab.zones")}: ${drawn.length}`);
  const colourOf = new Map(drawn.map((d) => [d.id, d.itemStyle.color]));

  const counts = new Map<string, number>();
  for (const p of points) counts.set(p.zone, (counts.get(p.zone) ?? 0) + 1);
  const legend = document.getElementById("zones-legend")!;
  legend.replaceChildren();
  for (const [zone, colour] of Object.entries(zoneColours)) {
    const item = document.createElement("span");
    item.className = "zone-key";
    item.dataset.zone = zone;
    item.dataset.count = String(counts.get(zone) ?? 0);
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.style.background = colour;
    item.append(dot, ` ${zoneName(zone)} (${counts.get(zone) ?? 0})`);
    legend.append(item);
  }
  const note = document.createElement("span");
  note.className = "muted";
  note.textContent = t("zones.legendNote", { mw: num(mw, 0) });
  legend.append(note);

  const body = document.querySelector("#zones-table tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  for (const s of list.substations) {
    const z = zones.get(s.id);
    const zone = z?.zone ?? "missing";
    const h = at(byId.get(s.id), k);
    const row = body.insertRow();
    row.dataset.substation = s.id;
    row.dataset.zone = zone;
    row.dataset.colour = colourOf.get(s.id) ?? "";
    row.dataset.source = s.source;
    row.dataset.n1Mw = h.n1 === null ? "" : h.n1.toFixed(1);
    row.tabIndex = 0;
    if (s.id === selected) row.classList.add("selected");
    cell(row, s.name, "name");
    const area = s.area ? areaByCode(s.area) : undefined;
    cell(row, area ? areaName(area) : s.area ?? "-");
    const zc = cell(row, zoneName(zone), "zone");
    zc.style.borderLeft = `6px solid ${zoneColours[zone] ?? zoneColours.missing}`;
    cell(row, h.n1 === null ? "-" : num(h.n1, 1), "num");
    cell(row, z?.firmMw === null || z?.firmMw === undefined ? "-" : num(z.firmMw, 1), "num");
    cell(row, t(s.source === "tso-upload" ? "source.upload" : "source.model"), "source");
    row.addEventListener("click", () => void select(s.id));
    row.addEventListener("keydown", (e) => { if (e.key === "Enter") void select(s.id); });
  }
}

/** Shows one substation's hours of the chosen day: the N-0/N-1 chart and the limiting line of each hour. */
async function select(id: string): Promise<void> {
  selected = id;
  document.querySelectorAll<HTMLTableRowElement>("#zones-table tbody tr").forEach((r) => r.classList.toggle("selected", r.dataset.substation === id));
  const day = daySelect().value;
  const from = new Date(day).toISOString();
  const to = new Date(Date.parse(day) + 24 * hourMs).toISOString();
  try {
    detail = await get<NonNullable<typeof detail>>(`/api/grid/substations/${encodeURIComponent(id)}/headroom?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  } catch (error) {
    detail = null;
    if (!(error instanceof ApiError && error.status === 404)) showError(error);
    const note = document.getElementById("zones-detail-empty")!;
    note.hidden = false;
    note.textContent = error instanceof Error ? error.message : String(error);
  }
  drawDetail();
}

function drawDetail(): void {
  const box = document.getElementById("zones-detail")!;
  box.hidden = detail === null;
  if (!detail) return;
  document.getElementById("zones-detail-empty")!.hidden = true;
  const d = detail;
  box.dataset.substation = d.id;
  box.dataset.hours = String(d.hours.length);
  document.getElementById("zones-detail-title")!.textContent = `${d.name} (${d.id})`;
  const source = document.getElementById("zones-detail-source")!;
  source.dataset.source = d.source;
  source.dataset.synthetic = String(d.synthetic);
  source.textContent = `${t(d.source === "tso-upload" ? "source.upload" : "source.model")} · ${d.model}${d.synthetic ? ` · ${t("zones.synthetic")}` : ""}`;
  const mw = Number(document.getElementById("zones-map")!.dataset.mw ?? "50");
  const instant = hours?.hours[hourIndex()];
  const x = d.hours.map((h) => Date.parse(h.start));
  detailChart.setOption({
    aria: { enabled: true },
    tooltip: {
      trigger: "axis",
      formatter: (ps: Array<{ dataIndex: number }>) => {
        const h = d.hours[ps[0]?.dataIndex ?? 0];
        if (!h) return "";
        return `${jst(h.start)} JST<br>N-0 ${h.n0Mw === null ? "-" : num(h.n0Mw, 1)} MW · N-1 ${h.n1Mw === null ? "-" : num(h.n1Mw, 1)} MW`
          + `${h.limitingLine ? `<br>${t("zones.limiting")}: ${escape(h.limitingLine)}` : ""}${h.contingency ? `<br>${t("zones.contingency")}: ${escape(h.contingency)}` : ""}`;
      },
    },
    legend: { data: ["N-0", "N-1"], top: 0 },
    grid: { left: 60, right: 24, top: 36, bottom: 36 },
    xAxis: { type: "time", axisLabel: { formatter: (v: number) => new Date(v).toLocaleTimeString("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" }) } },
    yAxis: { type: "value", name: "MW", scale: true },
    series: [
      {
        name: "N-0", type: "line", step: "start", showSymbol: false, data: d.hours.map((h, i) => [x[i], h.n0Mw]), lineStyle: { color: "#7f8c8d" }, itemStyle: { color: "#7f8c8d" },
        markLine: { silent: true, symbol: "none", label: { formatter: `${num(mw, 0)} MW` }, lineStyle: { type: "dashed", color: "#c0392b" }, data: [{ yAxis: mw }] },
      },
      {
        name: "N-1", type: "line", step: "start", showSymbol: false, data: d.hours.map((h, i) => [x[i], h.n1Mw]), lineStyle: { color: "#1f4e79", width: 2 }, itemStyle: { color: "#1f4e79" },
        markLine: instant ? { silent: true, symbol: "none", label: { show: false }, lineStyle: { color: "#555" }, data: [{ xAxis: Date.parse(instant) }] } : undefined,
      },
    ],
  }, { replaceMerge: ["series"] });
  const chartElement = document.getElementById("zones-chart")!;
  const drawn = (detailChart.getOption() as { series: Array<{ data?: unknown[] }> }).series;
  chartElement.dataset.n0Points = String(drawn[0]?.data?.length ?? 0);
  chartElement.dataset.n1Points = String(drawn[1]?.data?.length ?? 0);

  const body = document.querySelector("#zones-lines tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  for (const h of d.hours) {
    const row = body.insertRow();
    row.dataset.start = h.start;
    if (instant && Date.parse(h.start) === Date.parse(instant)) row.classList.add("selected");
    cell(row, jst(h.start));
    cell(row, h.n0Mw === null ? "-" : num(h.n0Mw, 1), "num");
    cell(row, h.n1Mw === null ? "-" : num(h.n1Mw, 1), "num");
    cell(row, h.limitingLine ?? "-", "line");
    cell(row, h.contingency ?? "-");
  }
}
