// Market view (計算資源の融通, issue 16): the clearings, the chosen clearing's public prices per area and hour (a heatmap and
// a table) and matched MW on the map, and what the key may see of its own: its matches and settlement, its positions over
// every clearing, its offers and bids. Everything comes from the server as sealed for the key (docs/market.md).
import { ApiError, get, type MarketBidView, type MarketClearing, type MarketClearingSummary, type MarketOffer, type MarketPositions } from "./api";
import { chartIn, japan, type Chart } from "./charts";
import { areaName, jst, num, t } from "./i18n";
import { areaByCode, cell, escape, on, showError, state } from "./state";

let heat: Chart;
let map: Chart;
let clearings: MarketClearingSummary[] = [];
let clearing: MarketClearing | null = null;
let chosen: string | null = null;
let positions: MarketPositions | null = null;
let offers: MarketOffer[] = [];
let bids: MarketBidView[] = [];
let loaded = false;
let wanted = false;
let refreshing: Promise<void> | null = null;
let again = false;

const hourMs = 3600_000;
const priceRamp = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
const volumeRamp = ["#f7fcf5", "#c7e9c0", "#74c476", "#238b45", "#00441b"];

export function initMarket(): void {
  heat = chartIn(document.getElementById("market-prices")!);
  map = chartIn(document.getElementById("market-map")!);
  on("me", () => { if (loaded) void refreshMarket(); });
  on("language", () => { drawClearings(); drawClearing(); drawOwn(); });
  if (wanted) showMarket();
}

/** Loads the view the first time it is shown. */
export function showMarket(): void {
  if (!heat) { wanted = true; return; }
  if (!loaded) {
    loaded = true;
    void refreshMarket();
  }
}

/** Whether the view has been loaded (live events refresh it only then). */
export function marketLoaded(): boolean {
  return loaded;
}

/** Rereads the clearings, the chosen one (the latest unless one was picked) and the key's own book and positions. */
export function refreshMarket(): Promise<void> {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = loadMarket().finally(() => {
    refreshing = null;
    if (again) {
      again = false;
      void refreshMarket();
    }
  });
  return refreshing;
}

async function loadMarket(): Promise<void> {
  try {
    const keyed = state.me !== null;
    document.getElementById("market-need-key")!.hidden = keyed;
    document.getElementById("market-body")!.hidden = !keyed;
    if (!keyed) { clearings = []; clearing = null; positions = null; offers = []; bids = []; return; }
    clearings = (await get<MarketClearingSummary[]>("/api/market/clearings")).sort((a, b) => Date.parse(b.runAt) - Date.parse(a.runAt));
    if (!chosen || !clearings.some((c) => c.id === chosen)) chosen = clearings[0]?.id ?? null;
    clearing = chosen ? await get<MarketClearing>(`/api/market/clearings/${encodeURIComponent(chosen)}`) : null;
    const role = state.me?.role;
    const own = role === "dc-operator" || role === "market-operator";
    [positions, offers, bids] = await Promise.all([
      role === "dc-operator" ? get<MarketPositions>("/api/market/positions") : Promise.resolve(null),
      own ? get<MarketOffer[]>("/api/market/offers") : Promise.resolve([]),
      own ? get<MarketBidView[]>("/api/market/bids") : Promise.resolve([]),
    ]);
    drawClearings();
    drawClearing();
    drawOwn();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 403)) showError(error);
  }
}

function yen(v: number): string {
  return num(v, 0);
}

function drawClearings(): void {
  const body = document.querySelector("#market-clearings tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  document.getElementById("market-clearings-empty")!.hidden = clearings.length > 0;
  for (const c of clearings) {
    const row = body.insertRow();
    row.dataset.clearing = c.id;
    row.tabIndex = 0;
    if (c.id === chosen) row.classList.add("selected");
    cell(row, c.id);
    cell(row, t(c.kind === "dayAhead" ? "market.dayAhead" : "market.intraday"));
    cell(row, `${jst(c.start)}–${jst(c.end)}`);
    cell(row, String(c.offers), "num");
    cell(row, String(c.bids), "num");
    cell(row, num(c.matchedMwh, 1), "num");
    cell(row, yen(c.welfareYen), "num");
    cell(row, `${num(100 * c.gap, 2)} %`, "num");
    const pick = (): void => { chosen = c.id; void refreshMarket(); };
    row.addEventListener("click", pick);
    row.addEventListener("keydown", (e) => { if (e.key === "Enter") pick(); });
  }
}

/** The clearing's hours (JST, in order) and the areas that have a price or a volume in it. */
function axes(c: MarketClearing): { hours: number[]; areas: string[] } {
  const hours: number[] = [];
  for (let h = Date.parse(c.start); h < Date.parse(c.end); h += hourMs) hours.push(h);
  const codes = new Set([...c.prices.map((p) => p.area), ...c.volumes.map((v) => v.area)]);
  const areas = state.areas.map((a) => a.code).filter((code) => codes.has(code));
  return { hours, areas };
}

function hourLabel(ms: number): string {
  return new Date(ms).toLocaleTimeString("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" });
}

function label(code: string): string {
  const a = areaByCode(code);
  return a ? areaName(a) : code;
}

function drawClearing(): void {
  const box = document.getElementById("market-clearing")!;
  box.hidden = clearing === null;
  if (!clearing) return;
  const c = clearing;
  box.dataset.clearing = c.id;
  document.getElementById("market-clearing-title")!.textContent =
    `${c.id} · ${t("market.matched")} ${num(c.matchedMwh, 1)} MWh · ${t("market.welfare")} ${yen(c.welfareYen)} JPY · ${t("market.headroom")}: ${c.headroom}`;

  // Prices: a heatmap (areas × hours) and the same numbers in a table.
  const { hours, areas } = axes(c);
  const price = new Map(c.prices.map((p) => [`${p.area}|${Date.parse(p.hour)}`, p.yenPerMwh]));
  const cells = c.prices.map((p) => [hours.indexOf(Date.parse(p.hour)), areas.indexOf(p.area), p.yenPerMwh]).filter(([x, y]) => x! >= 0 && y! >= 0);
  const values = c.prices.map((p) => p.yenPerMwh);
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  heat.setOption({
    aria: { enabled: true },
    tooltip: {
      formatter: (p: { value: [number, number, number] }) =>
        `${escape(label(areas[p.value[1]] ?? ""))} ${hourLabel(hours[p.value[0]] ?? 0)} JST: ${yen(p.value[2])} JPY/MWh`,
    },
    grid: { left: 90, right: 90, top: 10, bottom: 40 },
    xAxis: { type: "category", data: hours.map(hourLabel), splitArea: { show: true } },
    yAxis: { type: "category", data: areas.map(label), splitArea: { show: true } },
    visualMap: { type: "continuous", min, max: max > min ? max : min + 1, calculable: false, orient: "vertical", right: 0, top: "center", inRange: { color: priceRamp }, text: ["JPY/MWh", ""] },
    series: [{ type: "heatmap", data: cells, label: { show: false } }],
  }, { replaceMerge: ["series"] });
  const heatElement = document.getElementById("market-prices")!;
  heatElement.dataset.cells = String(((heat.getOption() as { series: Array<{ data?: unknown[] }> }).series[0]?.data ?? []).length);

  const table = document.getElementById("market-price-table") as HTMLTableElement;
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.append(Object.assign(document.createElement("th"), { textContent: t("col.area") }));
  for (const h of hours) head.append(Object.assign(document.createElement("th"), { textContent: hourLabel(h), className: "num" }));
  const body = table.createTBody();
  for (const a of areas) {
    const row = body.insertRow();
    row.dataset.area = a;
    cell(row, label(a));
    for (const h of hours) {
      const v = price.get(`${a}|${h}`);
      const td = cell(row, v === undefined ? "-" : yen(v), "num");
      td.dataset.hour = new Date(h).toISOString();
      if (v !== undefined) td.dataset.yenPerMwh = String(v);
    }
  }

  // Matched MW on the map: every operator's together (public), MWh per area over the clearing.
  const mwh = new Map<string, number>();
  for (const v of c.volumes) mwh.set(v.area, (mwh.get(v.area) ?? 0) + v.mw);
  const known = [...mwh.values()];
  const top = known.length ? Math.max(...known) : 1;
  map.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "item", formatter: (p: { name: string }) => `${escape(label(p.name))}: ${num(mwh.get(p.name) ?? 0, 1)} MWh` },
    visualMap: { type: "continuous", show: true, seriesIndex: 0, min: 0, max: top > 0 ? top : 1, inRange: { color: volumeRamp }, text: ["MWh", ""], left: 10, bottom: 10 },
    geo: {
      map: japan, nameProperty: "code", roam: true, center: [135.2, 35.6], zoom: 1.25,
      label: { show: true, fontSize: 11, color: "#222", formatter: (p: { name: string }) => label(p.name) },
      itemStyle: { borderColor: "#555", borderWidth: 0.6, areaColor: "#eee" }, select: { disabled: true },
    },
    series: [{ type: "map", geoIndex: 0, data: state.areas.map((a) => ({ name: a.code, value: mwh.get(a.code) ?? 0 })) }],
  }, { replaceMerge: ["series"] });
  const mapElement = document.getElementById("market-map")!;
  mapElement.dataset.areasWithVolume = String([...mwh.values()].filter((v) => v > 0).length);
  const vbody = document.querySelector("#market-volume-table tbody") as HTMLTableSectionElement;
  vbody.replaceChildren();
  for (const a of state.areas) {
    if (!mwh.has(a.code)) continue;
    const row = vbody.insertRow();
    row.dataset.area = a.code;
    row.dataset.mwh = (mwh.get(a.code) ?? 0).toFixed(3);
    cell(row, areaName(a));
    cell(row, num(mwh.get(a.code) ?? 0, 1), "num");
  }

  // What the key may see of the matches and the settlement in this clearing.
  const mbody = document.querySelector("#market-matches tbody") as HTMLTableSectionElement;
  mbody.replaceChildren();
  for (const m of [...c.matches].sort((a, b) => Date.parse(a.hour) - Date.parse(b.hour) || a.bid.localeCompare(b.bid))) {
    const row = mbody.insertRow();
    row.dataset.bid = m.bid;
    row.dataset.buyer = m.buyer;
    row.dataset.seller = m.seller;
    cell(row, `${jst(m.hour)}`);
    cell(row, `${m.buyer}/${m.bid}`);
    cell(row, `${m.seller}/${m.site}`);
    cell(row, label(m.area));
    cell(row, num(m.mw, 2), "num");
    cell(row, yen(m.priceYenPerMwh), "num");
  }
  document.getElementById("market-matches-empty")!.hidden = c.matches.length > 0;
  const sbody = document.querySelector("#market-settlement tbody") as HTMLTableSectionElement;
  sbody.replaceChildren();
  for (const s of c.settlement) {
    const row = sbody.insertRow();
    row.dataset.operator = s.operator;
    cell(row, s.operator);
    cell(row, num(s.boughtMwh, 1), "num");
    cell(row, yen(s.paidYen), "num");
    cell(row, num(s.soldMwh, 1), "num");
    cell(row, yen(s.receivedYen), "num");
    cell(row, yen(s.surplusYen), "num");
  }
  const ubody = document.querySelector("#market-unmatched tbody") as HTMLTableSectionElement;
  ubody.replaceChildren();
  for (const u of c.unmatched) {
    const row = ubody.insertRow();
    row.dataset.bid = u.bid;
    cell(row, `${u.operator}/${u.bid}`);
    cell(row, num(u.matchedMwh, 1), "num");
    cell(row, u.reason);
  }
}

function drawOwn(): void {
  const p = document.getElementById("market-positions")!;
  p.hidden = positions === null;
  if (positions) {
    p.dataset.operator = positions.operator;
    p.dataset.boughtMwh = positions.boughtMwh.toFixed(3);
    p.dataset.soldMwh = positions.soldMwh.toFixed(3);
    p.dataset.paidYen = positions.paidYen.toFixed(0);
    p.dataset.receivedYen = positions.receivedYen.toFixed(0);
    p.dataset.matches = String(positions.matches.length);
    document.getElementById("market-positions-summary")!.textContent = t("market.positionsSummary", {
      op: positions.operator, bought: num(positions.boughtMwh, 1), paid: yen(positions.paidYen), sold: num(positions.soldMwh, 1),
      received: yen(positions.receivedYen), surplus: yen(positions.surplusYen), n: positions.matches.length,
    });
  }
  const body = document.querySelector("#market-book tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  for (const o of offers) {
    const row = body.insertRow();
    row.dataset.offer = o.id;
    row.dataset.operator = o.operator;
    cell(row, t("market.offer"));
    cell(row, `${o.operator}/${o.id}`);
    cell(row, `${o.site} · ${label(o.area)}`);
    cell(row, `${jst(o.start)}–${jst(o.end)}`);
    cell(row, num(o.mw, 2), "num");
    cell(row, yen(o.askYenPerMwh), "num");
    cell(row, "");
  }
  for (const b of bids) {
    const row = body.insertRow();
    row.dataset.bid = b.bid.id;
    row.dataset.operator = b.bid.operator;
    row.dataset.state = b.state;
    cell(row, t("market.bid"));
    cell(row, `${b.bid.operator}/${b.bid.id}`);
    cell(row, b.bid.areas.length ? b.bid.areas.map(label).join(", ") : t("market.anyArea"));
    cell(row, `${jst(b.bid.release)}–${jst(b.bid.deadline)} · ${b.bid.hours} h`);
    cell(row, num(b.bid.mw, 2), "num");
    cell(row, yen(b.bid.valueYenPerMwh), "num");
    cell(row, t(b.state === "matched" ? "market.matchedState" : "market.open"), "state");
  }
  document.getElementById("market-book-empty")!.hidden = offers.length + bids.length > 0;
}
