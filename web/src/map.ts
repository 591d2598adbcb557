// Map view: the ten areas coloured by the chosen metric for the current 30-min slot, a legend, a table of values,
// and the key's sites as points coloured by planned power vs limit. Clicking an area selects it for the time series.
import { get, type Metric, type SignalValue } from "./api";
import { chartIn, getMap, japan, loadColour, ramps, type Chart } from "./charts";
import { areaName, jst, num, t, type LabelKey } from "./i18n";
import { announce, areaByCode, cell, escape, on, showError, state, units } from "./state";

let chart: Chart;
let values = new Map<string, SignalValue>();
let refreshing: Promise<void> | null = null;

export function initMap(): void {
  const element = document.getElementById("map")!;
  chart = chartIn(element);
  chart.on("click", (p) => {
    const code = typeof p.name === "string" ? p.name : "";
    if (areaByCode(code)) select(code);
  });
  const metric = document.getElementById("metric") as HTMLSelectElement;
  metric.value = state.metric;
  metric.addEventListener("change", () => {
    state.metric = metric.value as Metric;
    announce("metric");
  });
  on("metric", () => {
    metric.value = state.metric;
    void refreshMap();
  });
  on("language", draw);
  on("sites", draw);
  on("area", draw);
}

function select(code: string): void {
  state.area = code;
  announce("area");
  location.hash = "#series";
}

/** Reads the current slot of every area for the chosen metric and redraws. */
export function refreshMap(): Promise<void> {
  refreshing ??= (async () => {
    try {
      const metric = state.metric;
      const answers = await Promise.all(state.areas.map((a) =>
        get<SignalValue>(`/api/areas/${a.code}/signals/${metric}/current`).catch(() => null)));
      if (metric !== state.metric) return;
      values = new Map(answers.filter((v): v is SignalValue => v !== null).map((v) => [v.area, v]));
      draw();
    } catch (error) {
      showError(error);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function draw(): void {
  const metric = state.metric;
  const known = [...values.values()].map((v) => v.value).filter((v): v is number => v !== null);
  const min = known.length ? Math.min(...known) : 0;
  const max = known.length ? Math.max(...known) : 1;
  const digits = metric === "carbon" ? 0 : 1;
  const ramp = ramps[metric]!;
  const features = state.map?.features ?? [];
  const sites = state.siteLoads;

  chart.setOption({
    aria: { enabled: true },
    tooltip: {
      trigger: "item",
      formatter: (p: { seriesType: string; name: string; value: unknown; data?: { site?: string; plannedMw?: number | null; limitMw?: number } }) => {
        if (p.seriesType === "scatter" && p.data?.site) {
          const planned = p.data.plannedMw === null || p.data.plannedMw === undefined ? "-" : num(p.data.plannedMw, 2);
          return `${escape(p.data.site)}<br>${t("sites.plan")} ${planned} / ${t("sites.limit")} ${num(p.data.limitMw ?? 0, 2)} MW`;
        }
        const area = areaByCode(p.name);
        const v = values.get(p.name)?.value;
        return `${area ? areaName(area) : p.name}: ${v === null || v === undefined ? "-" : num(v, digits)} ${units[metric]}`;
      },
    },
    visualMap: { type: "continuous", show: false, seriesIndex: 0, min, max: max > min ? max : min + 1, inRange: { color: ramp } },
    geo: {
      map: japan,
      nameProperty: "code",
      roam: true,
      // Okinawa is far south-west: centre on the main islands and leave Okinawa at the lower-left edge.
      center: [135.2, 35.6],
      zoom: 1.25,
      label: { show: true, fontSize: 11, color: "#222", formatter: (p: { name: string }) => { const a = areaByCode(p.name); return a ? areaName(a) : p.name; } },
      itemStyle: { borderColor: "#555", borderWidth: 0.6, areaColor: "#ddd" },
      emphasis: { label: { show: true }, itemStyle: { areaColor: "#ffe066" } },
      select: { disabled: true },
      regions: features.map((f) => ({ name: f.properties.code, itemStyle: f.properties.code === state.area ? { borderColor: "#000", borderWidth: 2 } : {} })),
    },
    series: [
      {
        type: "map",
        geoIndex: 0,
        data: state.areas.map((a) => ({ name: a.code, value: values.get(a.code)?.value ?? null })),
      },
      {
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: 11,
        z: 5,
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        data: sites.map((s) => ({
          name: s.id, site: s.name, plannedMw: s.plannedMw, limitMw: s.limitMw, value: [s.longitude, s.latitude],
          itemStyle: { color: loadColour(s.plannedMw === null ? null : s.plannedMw / s.limitMw) },
        })),
      },
    ],
  }, { replaceMerge: ["series"] });

  // What ECharts really holds (for tests and assistive tech): regions of the registered map, areas with a value.
  const element = document.getElementById("map")!;
  const drawn = (chart.getOption() as { series: Array<{ data?: Array<{ value: unknown }> }> }).series[0]?.data ?? [];
  element.dataset.regionCount = String((getMap(japan) as { geoJSON?: { features: unknown[] } } | undefined)?.geoJSON?.features.length ?? 0);
  element.dataset.areaCount = String(drawn.filter((x) => typeof x.value === "number").length);
  element.dataset.siteCount = String(sites.length);
  element.setAttribute("aria-label", `${t("tab.map")}: ${features.map((f) => areaName(f.properties)).join(", ")}`);

  const title = document.getElementById("legend-title")!;
  title.textContent = `${t(`metric.${metric}` as LabelKey)} (${units[metric]})${state.map?.coarse ? " " + t("map.coarse") : ""}`;
  document.getElementById("legend")!.dataset.metric = metric;
  (document.querySelector(".legend-bar") as HTMLElement).style.background = `linear-gradient(to right, ${ramp.join(", ")})`;
  document.getElementById("legend-min")!.textContent = known.length ? num(min, digits) : "-";
  document.getElementById("legend-max")!.textContent = known.length ? num(max, digits) : "-";
  document.getElementById("legend-sites")!.hidden = sites.length === 0;
  const first = values.values().next().value as SignalValue | undefined;
  document.getElementById("slot")!.textContent = first ? `${t("map.slot")}: ${jst(first.start)}–${jst(first.end)} JST` : "";
  document.getElementById("area-value-head")!.textContent = units[metric];

  const body = (document.querySelector("#area-table tbody") as HTMLTableSectionElement);
  body.replaceChildren();
  for (const a of state.areas) {
    const row = body.insertRow();
    row.dataset.area = a.code;
    row.tabIndex = 0;
    if (a.code === state.area) row.classList.add("selected");
    cell(row, areaName(a));
    const v = values.get(a.code)?.value;
    cell(row, v === null || v === undefined ? "-" : num(v, digits), "num");
    row.addEventListener("click", () => select(a.code));
    row.addEventListener("keydown", (e) => { if (e.key === "Enter") select(a.code); });
  }
}
