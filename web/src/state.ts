// What the views share: the areas, the chosen area and metric, and who the key belongs to.
import type { Area, AreaMap, Me, Metric } from "./api";

export const state = {
  areas: [] as Area[],
  map: null as AreaMap | null,
  area: "TK",
  metric: "carbon" as Metric,
  me: null as Me | null,
  /** The key's sites with their planned power and limit (MW), for the map. */
  siteLoads: [] as SiteLoad[],
};

export interface SiteLoad { id: string; name: string; latitude: number; longitude: number; plannedMw: number | null; limitMw: number }

export function areaByCode(code: string): Area | undefined {
  return state.areas.find((a) => a.code === code);
}

export const units: Record<Metric, string> = { carbon: "gCO2/kWh", price: "JPY/kWh", curtailment: "MWh" };

/** Tells the other views that something they show changed. */
export const bus = new EventTarget();

export function announce(name: "area" | "metric" | "me" | "sites" | "language"): void {
  bus.dispatchEvent(new Event(name));
}

export function on(name: "area" | "metric" | "me" | "sites" | "language", listener: () => void): void {
  bus.addEventListener(name, listener);
}

/** Sets text content, creating the element: small helper for table cells. */
export function cell(row: HTMLTableRowElement, text: string, className?: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

export function showError(error: unknown): void {
  const status = document.getElementById("status");
  if (status) status.textContent = error instanceof Error ? error.message : String(error);
}

/** Text made safe for ECharts tooltips, which are HTML. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Draws a list of things a planner can run in the background (siting studies, roadmaps): each item its name and a button
 * that starts it; an empty list says so. A failed start shows its error.
 */
export function drawRunList(listId: string, names: readonly string[], dataKey: string, noneText: string, runText: string,
  start: (name: string) => Promise<void>): void {
  const list = document.getElementById(listId)!;
  list.replaceChildren();
  if (names.length === 0) {
    const li = document.createElement("li");
    li.textContent = noneText;
    list.append(li);
  }
  for (const name of names) {
    const li = document.createElement("li");
    li.dataset[dataKey] = name;
    const label = document.createElement("span");
    label.textContent = name;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = runText;
    button.addEventListener("click", async () => {
      try {
        await start(name);
      } catch (error) {
        showError(error);
      }
    });
    li.append(label, " ", button);
    list.append(li);
  }
}
