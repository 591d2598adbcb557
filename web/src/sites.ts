// Sites and orders view: the key's sites with planned power vs grid limit, and the curtailment orders addressed to
// them (a DC operator) or issued in the area (a grid operator), kept live from the event stream.
import { ApiError, get, post, type Order, type Plan, type Site, type Workload } from "./api";
import { chartIn, loadColour, type Chart } from "./charts";
import { areaName, jst, num, t, type LabelKey } from "./i18n";
import { announce, areaByCode, cell, on, showError, state, type SiteLoad } from "./state";

let chart: Chart;
let sites: Site[] = [];
let plan: Plan | null = null;
let workloads: Workload[] = [];
const orders = new Map<string, Order>();

const stepMs = 30 * 60000;

export function initSites(): void {
  chart = chartIn(document.getElementById("power")!);
  on("me", () => void refreshSites());
  on("language", () => { drawSites(); drawOrders(); });
}

function role(): string | null {
  return state.me?.role ?? null;
}

/** Reads sites, plan, workloads and orders for the key, as its role allows. */
export async function refreshSites(): Promise<void> {
  const r = role();
  const usable = r === "dc-operator" || r === "grid-operator";
  document.getElementById("sites-need-key")!.hidden = usable;
  document.getElementById("sites-body")!.hidden = !usable;
  if (!usable) {
    sites = []; plan = null; workloads = []; orders.clear();
    publishLoads();
    return;
  }
  try {
    if (r === "dc-operator") {
      const [s, w, p] = await Promise.all([
        get<Site[]>("/api/sites"),
        get<Workload[]>("/api/workloads"),
        get<Plan>("/api/plan").catch((e: unknown) => { if (e instanceof ApiError && e.status === 404) return null; throw e; }),
      ]);
      sites = s; workloads = w; plan = p;
    } else {
      sites = await get<Site[]>(`/api/areas/${state.me!.area}/sites`);
      workloads = []; plan = null;
    }
    drawSites();
    await refreshOrders();
  } catch (error) {
    showError(error);
  }
}

export async function refreshOrders(): Promise<void> {
  const list = await get<Order[]>("/api/curtailment-orders");
  orders.clear();
  for (const o of list) orders.set(o.id, o);
  drawOrders();
}

/** Applies a curtailment-order event (issued or acknowledged) without a round trip. */
export function applyOrder(order: Order): void {
  orders.set(order.id, order);
  drawOrders();
}

export function hasSites(): boolean {
  return role() === "dc-operator" || role() === "grid-operator";
}

/** Grid draw (MW) of a site's planned workloads at each 30-min slot of the plan's horizon. */
function plannedDraw(site: Site): Array<[number, number]> {
  if (!plan) return [];
  const power = new Map(workloads.map((w) => [w.id, w.powerKw]));
  const start = Date.parse(plan.horizonStart);
  const end = Date.parse(plan.horizonEnd);
  const slots = Math.max(0, Math.min(4 * 48, Math.ceil((end - start) / stepMs)));
  const draw = new Array<number>(slots).fill(0);
  for (const run of plan.runs) {
    if (run.site !== site.id) continue;
    const kw = power.get(run.workload) ?? 0;
    const from = Math.max(0, Math.floor((Date.parse(run.start) - start) / stepMs));
    const to = Math.min(slots, Math.ceil((Date.parse(run.end) - start) / stepMs));
    for (let i = from; i < to; i++) draw[i]! += (kw / 1000) * site.pue;
  }
  return draw.map((mw, i) => [start + i * stepMs, mw]);
}

function plannedNow(series: Array<[number, number]>): number | null {
  if (!plan) return null;
  const now = Date.now();
  const hit = series.find(([x]) => now >= x && now < x + stepMs);
  return hit ? hit[1] : 0;
}

function publishLoads(): void {
  state.siteLoads = sites
    .filter((s) => s.latitude !== null && s.longitude !== null)
    .map((s): SiteLoad => ({
      id: s.id, name: s.name || s.id, latitude: s.latitude!, longitude: s.longitude!,
      plannedMw: plannedNow(plannedDraw(s)), limitMw: s.itCapacityMw * s.pue,
    }));
  announce("sites");
}

function drawSites(): void {
  const body = document.querySelector("#sites-table tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  if (sites.length === 0) {
    const row = body.insertRow();
    const td = cell(row, t("sites.none"), "muted");
    td.colSpan = 7;
  }
  const lines: unknown[] = [];
  for (const s of sites) {
    const limit = s.itCapacityMw * s.pue;
    const series = plannedDraw(s);
    const now = plannedNow(series);
    const row = body.insertRow();
    row.dataset.site = s.id;
    cell(row, s.name && s.name !== s.id ? `${s.name} (${s.id})` : s.id);
    const area = areaByCode(s.area);
    cell(row, area ? areaName(area) : s.area);
    cell(row, num(s.itCapacityMw, 1), "num");
    cell(row, num(s.pue, 2), "num");
    cell(row, num(limit, 2), "num");
    const td = cell(row, now === null ? "-" : num(now, 2), "num");
    td.style.color = loadColour(now === null ? null : now / limit);
    const peak = plan ? Math.max(0, ...series.map(([, mw]) => mw)) : null;
    cell(row, peak === null ? "-" : num(peak, 2), "num");
    row.dataset.plannedPeakMw = peak === null ? "" : peak.toFixed(2);
    if (lines.length < 16) {
      lines.push({
        name: s.id, type: "line", step: "end", showSymbol: false, data: series,
        markLine: { symbol: "none", silent: true, label: { formatter: `${s.id} ${t("sites.limit")}` }, lineStyle: { type: "dashed" }, data: [{ yAxis: limit }] },
      });
    }
  }
  const maxLimit = Math.max(0, ...sites.map((s) => s.itCapacityMw * s.pue));
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (typeof v === "number" ? `${num(v, 2)} MW` : "-") },
    legend: { top: 0, type: "scroll" },
    grid: { left: 60, right: 90, top: 36, bottom: 30 },
    xAxis: { type: "time" },
    yAxis: { type: "value", name: "MW", max: maxLimit > 0 ? Math.ceil(maxLimit * 1.1 * 10) / 10 : undefined },
    series: lines,
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
