// Sites and orders view: the key's sites with their planned grid draw against their grid limit for the next 24 h
// (GET /api/sites/{id}/power), and the curtailment orders addressed to them (a DC operator) or issued in the area
// (a grid operator), kept live from the event stream.
import { get, post, type Order, type Site, type SitePower } from "./api";
import { chartIn, loadColour, type Chart } from "./charts";
import { areaName, jst, num, t, type LabelKey } from "./i18n";
import { announce, areaByCode, cell, on, showError, state, type SiteLoad } from "./state";

let chart: Chart;
let sites: Site[] = [];
const power = new Map<string, SitePower>();
const orders = new Map<string, Order>();
let generation = 0;

export function initSites(): void {
  chart = chartIn(document.getElementById("power")!);
  on("me", () => void refreshSites());
  on("language", () => { drawSites(); drawOrders(); });
}

function role(): string | null {
  return state.me?.role ?? null;
}

export function hasSites(): boolean {
  return role() === "dc-operator" || role() === "grid-operator";
}

/** Reads the key's sites, their power vs limit and the orders, as its role allows; an older answer is dropped. */
export async function refreshSites(): Promise<void> {
  const mine = ++generation;
  const usable = hasSites();
  document.getElementById("sites-need-key")!.hidden = usable;
  document.getElementById("sites-body")!.hidden = !usable;
  if (!usable) {
    sites = [];
    power.clear();
    orders.clear();
    publishLoads();
    return;
  }
  try {
    const list = role() === "dc-operator" ? await get<Site[]>("/api/sites") : await get<Site[]>(`/api/areas/${state.me!.area}/sites`);
    if (mine !== generation) return;
    sites = list;
    await refreshPower();
    await refreshOrders();
  } catch (error) {
    showError(error);
  }
}

/** Planned draw and limit of every site for the next 24 h (limits change with orders, maintenance and headroom). */
export async function refreshPower(): Promise<void> {
  const answers = await Promise.all(sites.map((s) =>
    get<SitePower>(`/api/sites/${encodeURIComponent(s.id)}/power${role() === "grid-operator" ? `?operator=${encodeURIComponent(s.operator)}` : ""}`)));
  power.clear();
  for (const p of answers) power.set(p.siteId, p);
  drawSites();
}

async function refreshOrders(): Promise<void> {
  const list = await get<Order[]>("/api/curtailment-orders");
  orders.clear();
  for (const o of list) orders.set(o.id, o);
  drawOrders();
}

/** Applies a curtailment-order event (issued or acknowledged) at once, then rereads the limits it changes. */
export function applyOrder(order: Order): void {
  orders.set(order.id, order);
  drawOrders();
  if (hasSites()) void refreshPower().catch(showError);
}

/** The site's maximum draw (IT capacity × PUE): its limit where it has no grid connection. */
function maxDraw(s: Site): number {
  return s.itCapacityMw * s.pue;
}

function limits(s: Site, p: SitePower | undefined): number[] {
  const fallback = maxDraw(s);
  return (p?.plannedMw ?? []).map((_, i) => p?.limitMw?.[i] ?? fallback);
}

function publishLoads(): void {
  state.siteLoads = sites
    .filter((s) => s.latitude !== null && s.longitude !== null)
    .map((s): SiteLoad => {
      const p = power.get(s.id);
      return {
        id: s.id, name: s.name || s.id, latitude: s.latitude!, longitude: s.longitude!,
        plannedMw: p?.plannedMw[0] ?? null, limitMw: limits(s, p)[0] ?? maxDraw(s),
      };
    });
  announce("sites");
}

function drawSites(): void {
  const body = document.querySelector("#sites-table tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  if (sites.length === 0) {
    cell(body.insertRow(), t("sites.none"), "muted").colSpan = 8;
  }
  const series: unknown[] = [];
  const palette = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
  for (const s of sites) {
    const p = power.get(s.id);
    const limit = limits(s, p);
    const planned = p?.plannedMw ?? [];
    const row = body.insertRow();
    row.dataset.site = s.id;
    cell(row, s.name && s.name !== s.id ? `${s.name} (${s.id})` : s.id);
    const area = areaByCode(s.area);
    cell(row, area ? areaName(area) : s.area);
    cell(row, num(s.itCapacityMw, 1), "num");
    cell(row, num(s.pue, 2), "num");
    cell(row, num(maxDraw(s), 2), "num");
    const now = planned[0] ?? null;
    const nowCell = cell(row, now === null ? "-" : num(now, 2), "num");
    nowCell.style.color = loadColour(now === null || !limit[0] ? null : now / limit[0]);
    const peak = planned.length ? Math.max(...planned) : null;
    cell(row, peak === null ? "-" : num(peak, 2), "num");
    const least = limit.length ? Math.min(...limit) : null;
    cell(row, least === null ? "-" : num(least, 2), "num");
    row.dataset.plannedPeakMw = peak === null ? "" : peak.toFixed(2);
    row.dataset.leastLimitMw = least === null ? "" : least.toFixed(2);
    row.dataset.connected = String(p?.limitMw !== null && p?.limitMw !== undefined);

    if (p && series.length < 2 * palette.length) {
      const colour = palette[(series.length / 2) % palette.length]!;
      const t0 = Date.parse(p.start);
      const at = (i: number) => t0 + i * p.stepMinutes * 60000;
      // One extra point at the end so the last step is drawn as wide as the others.
      const steps = (values: number[]) => [...values.map((v, i) => [at(i), v]), [at(values.length), values[values.length - 1] ?? null]];
      series.push(
        { name: `${s.id} ${t("sites.plan")}`, type: "line", step: "end", showSymbol: false, data: steps(planned), lineStyle: { color: colour, width: 2 }, itemStyle: { color: colour }, areaStyle: { color: colour, opacity: 0.12 } },
        { name: `${s.id} ${t("sites.limit")}`, type: "line", step: "end", showSymbol: false, data: steps(limit), lineStyle: { color: colour, type: "dashed", width: 1.5 }, itemStyle: { color: colour } },
      );
    }
  }
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (typeof v === "number" ? `${num(v, 2)} MW` : "-") },
    legend: { top: 0, type: "scroll" },
    grid: { left: 60, right: 30, top: 40, bottom: 30 },
    xAxis: { type: "time", axisLabel: { formatter: (v: number) => new Date(v).toLocaleTimeString("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" }) } },
    yAxis: { type: "value", name: "MW", min: 0 },
    series,
  }, { replaceMerge: ["series"] });
  document.getElementById("power")!.hidden = sites.length === 0;
  document.getElementById("power-note")!.textContent = t("sites.limitNote");
  publishLoads();
}

function drawOrders(): void {
  const body = document.querySelector("#orders-table tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  const list = [...orders.values()].sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  document.getElementById("orders-empty")!.hidden = list.length > 0;
  for (const o of list) {
    const row = body.insertRow();
    row.dataset.orderId = o.id;
    row.dataset.state = o.state;
    cell(row, o.id.slice(0, 11) + "…").title = o.id;
    cell(row, o.siteId);
    cell(row, num(o.reductionMw, 2), "num");
    cell(row, jst(o.effectiveAt));
    cell(row, jst(o.expectedEndAt));
    cell(row, o.reason ?? "");
    cell(row, t(`state.${o.state}` as LabelKey), `state state-${o.state}`);
    const actions = row.insertCell();
    if (o.state === "issued" && role() === "dc-operator" && state.me?.operator === o.operator) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ack";
      button.textContent = t("orders.ack");
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          applyOrder(await post<Order>(`/api/curtailment-orders/${encodeURIComponent(o.id)}/acknowledgement`));
        } catch (error) {
          button.disabled = false;
          showError(error);
        }
      });
      actions.append(button);
    }
  }
}
