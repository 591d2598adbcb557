// Time-series view: the selected area's last 24 h and the 24 h forecast with its P10-P90 band.
import { ApiError, get, type Forecast, type Metric, type Series } from "./api";
import { chartIn, type Chart } from "./charts";
import { areaName, num, t, type LabelKey } from "./i18n";
import { announce, on, showError, state, units } from "./state";

let chart: Chart;
let history: Series | null = null;
let forecast: Forecast | null = null;

export function initSeries(): void {
  chart = chartIn(document.getElementById("series")!);
  const area = document.getElementById("series-area") as HTMLSelectElement;
  const metric = document.getElementById("series-metric") as HTMLSelectElement;
  area.addEventListener("change", () => { state.area = area.value; announce("area"); });
  metric.addEventListener("change", () => { state.metric = metric.value as Metric; announce("metric"); });
  on("area", () => void refreshSeries());
  on("metric", () => void refreshSeries());
  on("language", () => { fillAreas(); draw(); });
  fillAreas();
}

function fillAreas(): void {
  const select = document.getElementById("series-area") as HTMLSelectElement;
  select.replaceChildren(...state.areas.map((a) => new Option(`${areaName(a)} (${a.code})`, a.code)));
  select.value = state.area;
}

export async function refreshSeries(): Promise<void> {
  const { area, metric } = state;
  (document.getElementById("series-area") as HTMLSelectElement).value = area;
  (document.getElementById("series-metric") as HTMLSelectElement).value = metric;
  try {
    const [h, f] = await Promise.all([
      get<Series>(`/api/areas/${area}/signals/${metric}`),
      get<Forecast>(`/api/areas/${area}/forecasts/${metric}?hours=24`).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 422) return null; // not enough history to forecast
        throw e;
      }),
    ]);
    if (area !== state.area || metric !== state.metric) return;
    history = h;
    forecast = f;
    draw();
  } catch (error) {
    showError(error);
  }
}

function points(start: string, stepMinutes: number, values: ReadonlyArray<number | null>): Array<[number, number | null]> {
  const t0 = Date.parse(start);
  return values.map((v, i) => [t0 + i * stepMinutes * 60000, v]);
}

function draw(): void {
  const metric = state.metric;
  const unit = units[metric];
  const area = state.areas.find((a) => a.code === state.area);
  const h = history ? points(history.start, history.stepMinutes, history.values) : [];
  const q = forecast?.quantiles ?? {};
  const p10 = forecast && q.p10 ? points(forecast.origin, forecast.stepMinutes, q.p10) : [];
  const p50 = forecast && q.p50 ? points(forecast.origin, forecast.stepMinutes, q.p50) : [];
  const p90 = forecast && q.p90 ? points(forecast.origin, forecast.stepMinutes, q.p90) : [];
  const band = p90.map(([x, v], i) => [x, v === null || p10[i]?.[1] == null ? null : v - (p10[i]![1] as number)] as [number, number | null]);
  const digits = metric === "carbon" ? 0 : 2;

  chart.setOption({
    aria: { enabled: true },
    title: { show: false },
    tooltip: {
      trigger: "axis",
      valueFormatter: (v: unknown) => (typeof v === "number" ? `${num(v, digits)} ${unit}` : "-"),
    },
    legend: { data: [t("series.history"), t("series.p50"), t("series.band")], top: 0 },
    grid: { left: 60, right: 24, top: 56, bottom: 56 },
    xAxis: { type: "time", axisLabel: { formatter: (v: number) => new Date(v).toLocaleTimeString("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" }) } },
    yAxis: { type: "value", name: `${t(`metric.${metric}` as LabelKey)} (${unit})`, nameGap: 14, nameTextStyle: { align: "left" }, scale: true },
    dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
    series: [
      { name: t("series.history"), type: "line", showSymbol: false, data: h, lineStyle: { width: 2, color: "#1f4e79" }, itemStyle: { color: "#1f4e79" } },
      { name: "p10", type: "line", stack: "band", showSymbol: false, data: p10, lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
      { name: t("series.band"), type: "line", stack: "band", showSymbol: false, data: band, lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(230,126,34,0.25)" }, itemStyle: { color: "rgba(230,126,34,0.5)" } },
      { name: t("series.p50"), type: "line", showSymbol: false, data: p50, lineStyle: { type: "dashed", width: 2, color: "#e67e22" }, itemStyle: { color: "#e67e22" } },
    ],
  }, { replaceMerge: ["series"] });

  const element = document.getElementById("series")!;
  const historyPoints = h.filter(([, v]) => v !== null).length;
  element.dataset.historyPoints = String(historyPoints);
  element.dataset.forecastPoints = String(p50.length);
  element.setAttribute("aria-label", `${area ? areaName(area) : state.area}: ${t(`metric.${metric}` as LabelKey)}`);
  document.getElementById("series-summary")!.textContent =
    (forecast ? t("series.summary", { h: historyPoints, f: p50.length }) : `${t("series.summary", { h: historyPoints, f: 0 })} · ${t("series.noForecast")}`);
}
