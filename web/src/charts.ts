// ECharts, tree-shaken to what the dashboard draws; everything is bundled (no CDN, no tiles, no web fonts).
import * as echarts from "echarts/core";
import { HeatmapChart, LineChart, MapChart, ScatterChart } from "echarts/charts";
import {
  AriaComponent, DataZoomComponent, GeoComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import type { AreaMap } from "./api";

echarts.use([
  HeatmapChart, LineChart, MapChart, ScatterChart, AriaComponent, DataZoomComponent, GeoComponent, GridComponent, LegendComponent, MarkLineComponent,
  TooltipComponent, VisualMapComponent, CanvasRenderer,
]);

export { echarts };
export const getMap = echarts.getMap;
export type Chart = echarts.ECharts;

/** The map name the area shapes are registered under. */
export const japan = "japan";

export function registerJapan(map: AreaMap): void {
  echarts.registerMap(japan, map as unknown as Parameters<typeof echarts.registerMap>[1]);
}

/**
 * A chart in the element. The element's data-settled is "false" while the chart is drawing or animating and "true"
 * once ECharts has finished, so a test (or a screenshot) can wait for the final picture.
 */
export function chartIn(element: HTMLElement): Chart {
  const chart = echarts.init(element, undefined, { renderer: "canvas" });
  new ResizeObserver(() => chart.resize()).observe(element);
  const setOption = chart.setOption.bind(chart) as (...args: unknown[]) => void;
  (chart as { setOption: unknown }).setOption = (...args: unknown[]) => {
    element.dataset.settled = "false";
    setOption(...args);
  };
  chart.on("finished", () => { element.dataset.settled = "true"; });
  return chart;
}

/** Colour ramps per metric (low to high). */
export const ramps: Record<string, string[]> = {
  carbon: ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"],
  price: ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"],
  curtailment: ["#fff7ec", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"],
};

/** Site colour by planned power as a share of its limit. */
export function loadColour(share: number | null): string {
  if (share === null) return "#888888";
  return share > 1 ? "#d73027" : share >= 0.8 ? "#fc8d59" : "#1a9850";
}
