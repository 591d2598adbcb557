// Demand-response view (issue 19): the requests the key may see (a grid operator: its area's; a DC operator: those of the
// areas it has sites in), and for the chosen one the commitments (every operator's for the grid operator, its own for a DC
// operator), what a DC operator's published offers can do for it with a button to commit, and after the window the
// delivery against the ERAB baseline and the settlement per operator and site, with the chosen site's baseline and
// actual per 30-minute slot drawn (docs/dr.md); and the grid-side battery contracts (decision 0197): a DC operator
// contracts a battery at another substation for its site and the server's sensitivities accept or refuse it with the reason.
import { ApiError, get, post, type DrAnswer, type DrGridBattery, type DrRequest, type DrRequestView, type DrSettlement, type DrSiteDelivery, type Substation } from "./api";
import { chartIn, type Chart } from "./charts";
import { jst, num, t } from "./i18n";
import { cell, on, showError, state } from "./state";

let requests: DrRequest[] = [];
let chosen: string | null = null;
let view: DrRequestView | null = null;
let answer: DrAnswer | null = null;
let settlement: DrSettlement | null = null;
let settlementNote = "";
let slotSite: string | null = null; // "operator/site" whose slots the chart shows
let slotChart: Chart | null = null;
let loaded = false;
let refreshing: Promise<void> | null = null;
let again = false;
let contracts: DrGridBattery[] = [];
let substations: Substation[] | null = null;
let contractNote = "";

export function initDr(): void {
  on("me", () => { chosen = null; if (loaded) void refreshDr(); });
  on("language", () => { drawRequests(); drawDetail(); drawContracts(); });
  document.getElementById("dr-commit")!.addEventListener("click", () => void commit());
  document.getElementById("dr-gb-form")!.addEventListener("submit", (e) => { e.preventDefault(); void contract(); });
}

/** Loads the view the first time it is shown. */
export function showDr(): void {
  if (!loaded) {
    loaded = true;
    void refreshDr();
  }
}

/** Whether the view has been loaded (live events refresh it only then). */
export function drLoaded(): boolean {
  return loaded;
}

/** Rereads the requests and the chosen one (the next to start unless one was picked). */
export function refreshDr(): Promise<void> {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = loadDr().finally(() => {
    refreshing = null;
    if (again) {
      again = false;
      void refreshDr();
    }
  });
  return refreshing;
}

async function loadDr(): Promise<void> {
  try {
    const role = state.me?.role;
    const keyed = role === "grid-operator" || role === "dc-operator" || role === "aggregator";
    document.getElementById("dr-need-key")!.hidden = keyed;
    document.getElementById("dr-body")!.hidden = !keyed;
    if (!keyed) { requests = []; view = null; answer = null; settlement = null; contracts = []; return; }
    requests = await get<DrRequest[]>("/api/dr/requests");
    await loadContracts(role);
    if (!chosen || !requests.some((r) => r.id === chosen)) {
      const now = Date.now();
      chosen = (requests.find((r) => Date.parse(r.end) > now) ?? requests[requests.length - 1])?.id ?? null;
    }
    await loadChosen();
    drawRequests();
    drawDetail();
    drawContracts();
  } catch (error) {
    showError(error);
  }
}

async function loadChosen(): Promise<void> {
  view = null; answer = null; settlement = null; settlementNote = "";
  if (!chosen) return;
  const id = encodeURIComponent(chosen);
  view = await get<DrRequestView>(`/api/dr/requests/${id}`);
  if (state.me?.role === "dc-operator") answer = await get<DrAnswer>(`/api/dr/requests/${id}/answer`);
  if (Date.parse(view.request.end) <= Date.now()) {
    try {
      settlement = await get<DrSettlement>(`/api/dr/requests/${id}/settlement`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      settlementNote = error.message;
    }
  }
}

function direction(d: string): string {
  return t(d.toLowerCase() === "up" ? "dr.up" : "dr.down");
}

/** A commitment per 30-minute slot in words ("4.00 · 4.00 · 2.00"), or "-" for one MW over the whole window. */
function profile(slots: number[] | null | undefined): string {
  return slots && slots.length > 0 ? slots.map((x) => num(x, 2)).join(" · ") : "-";
}

function drawRequests(): void {
  const body = document.querySelector("#dr-requests tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  document.getElementById("dr-requests-empty")!.hidden = requests.length > 0;
  for (const r of requests) {
    const row = body.insertRow();
    row.dataset.request = r.id;
    row.tabIndex = 0;
    if (r.id === chosen) row.classList.add("selected");
    cell(row, r.id);
    cell(row, r.area);
    cell(row, direction(r.direction));
    cell(row, num(r.mw, 2), "num");
    cell(row, `${jst(r.start)}–${jst(r.end)}`);
    cell(row, num((Date.parse(r.start) - Date.parse(r.issuedAt)) / 60000, 0), "num");
    const pick = (): void => { chosen = r.id; void refreshDr(); };
    row.addEventListener("click", pick);
    row.addEventListener("keydown", (e) => { if (e.key === "Enter") pick(); });
  }
}

function drawDetail(): void {
  const box = document.getElementById("dr-detail")!;
  box.hidden = view === null;
  if (!view) return;
  const v = view;
  box.dataset.request = v.request.id;
  box.dataset.committedMw = v.committedMw.toFixed(3);
  box.dataset.committedSlotsMw = (v.committedSlotsMw ?? []).map((x) => x.toFixed(3)).join(" ");
  document.getElementById("dr-detail-title")!.textContent =
    `${v.request.id}: ${direction(v.request.direction)} ${num(v.request.mw, 2)} MW · ${jst(v.request.start)}–${jst(v.request.end)} JST · ${t("dr.committed")} ${num(v.committedMw, 2)} MW`;

  const cbody = document.querySelector("#dr-commitments tbody") as HTMLTableSectionElement;
  cbody.replaceChildren();
  for (const c of v.commitments) {
    for (const s of c.sites) {
      const row = cbody.insertRow();
      row.dataset.operator = c.operator;
      row.dataset.site = s.site;
      cell(row, c.operator);
      cell(row, s.site);
      cell(row, num(s.mw, 2), "num");
      cell(row, profile(s.slotsMw), "num");
      cell(row, num(s.priceYenPerKwh, 2), "num");
      cell(row, jst(c.committedAt));
    }
  }
  document.getElementById("dr-commitments-empty")!.hidden = v.commitments.length > 0;

  const a = document.getElementById("dr-answer")!;
  a.hidden = answer === null;
  const mine = v.commitments.some((c) => c.operator === state.me?.operator);
  const open = Date.parse(v.request.start) > Date.now();
  const button = document.getElementById("dr-commit") as HTMLButtonElement;
  if (answer) {
    a.dataset.availableMw = answer.availableMw.toFixed(3);
    document.getElementById("dr-answer-text")!.textContent = t("dr.answer", { mw: num(answer.availableMw, 2), sites: answer.sites.length })
      + (answer.note ? ` · ${answer.note}` : "");
    button.hidden = mine || !open || answer.sites.length === 0;
  }

  const s = document.getElementById("dr-settlement")!;
  s.hidden = settlement === null && settlementNote === "";
  document.getElementById("dr-settlement-note")!.textContent = settlement
    ? t("dr.settled", { kwh: num(settlement.creditedKwh, 0), yen: num(settlement.amountYen, 0) })
    : settlementNote;
  const sbody = document.querySelector("#dr-delivery tbody") as HTMLTableSectionElement;
  sbody.replaceChildren();
  const charted = settlement?.operators.flatMap((o) => o.sites.filter((x) => x.slots.length > 0).map((x) => `${o.operator}/${x.site}`)) ?? [];
  if (!slotSite || !charted.includes(slotSite)) slotSite = charted[0] ?? null;
  for (const o of settlement?.operators ?? []) {
    for (const site of o.sites) {
      const row = sbody.insertRow();
      row.dataset.operator = o.operator;
      row.dataset.site = site.site;
      const key = `${o.operator}/${site.site}`;
      if (key === slotSite) row.classList.add("selected");
      if (site.slots.length > 0) row.addEventListener("click", () => { slotSite = key; drawDetail(); });
      cell(row, o.operator);
      cell(row, site.site);
      cell(row, num(site.committedKwh, 0), "num");
      cell(row, site.deliveredKwh === null ? "-" : num(site.deliveredKwh, 0), "num");
      cell(row, site.creditedKwh === null ? "-" : num(site.creditedKwh, 0), "num");
      cell(row, site.shortfallKwh === null ? "-" : num(site.shortfallKwh, 0), "num");
      cell(row, o.amountYen === null ? o.status : num(o.amountYen, 0), "num");
      cell(row, site.why || "-");
    }
  }
  drawSlots(v.request);
}

/** The chosen site's ERAB baseline, metered actual and the actual its commitment asks for, per 30-minute slot of the window. */
function drawSlots(request: DrRequest): void {
  const element = document.getElementById("dr-slots")!;
  const title = document.getElementById("dr-slots-title")!;
  let site: DrSiteDelivery | undefined;
  for (const o of settlement?.operators ?? []) {
    site ??= o.sites.find((x) => `${o.operator}/${x.site}` === slotSite);
  }
  element.hidden = title.hidden = site === undefined;
  if (!site) { delete element.dataset.site; return; }
  slotChart ??= chartIn(element);
  const up = request.direction.toLowerCase() === "up";
  const times = site.slots.map((x) => jst(x.timestamp).slice(-5));
  const baseline = site.slots.map((x) => x.baselineKwh);
  const actual = site.slots.map((x) => x.actualKwh);
  const target = site.slots.map((x) => x.baselineKwh + (up ? x.committedKwh : -x.committedKwh));
  title.textContent = t("dr.slots", { site: slotSite ?? "" });
  element.dataset.site = slotSite ?? "";
  element.dataset.slots = String(site.slots.length);
  element.dataset.baselineKwh = baseline.map((x) => x.toFixed(3)).join(" ");
  element.dataset.actualKwh = actual.map((x) => x.toFixed(3)).join(" ");
  element.dataset.committedKwh = site.slots.map((x) => x.committedKwh.toFixed(3)).join(" ");
  element.setAttribute("aria-label", title.textContent);
  const line = (name: string, data: number[], color: string, dashed = false) => ({
    name, type: "line", step: "middle", data, symbolSize: 7, lineStyle: { width: 2, color, type: dashed ? "dashed" : "solid" }, itemStyle: { color },
  });
  slotChart.resize();
  slotChart.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis", valueFormatter: (x: unknown) => (typeof x === "number" ? `${num(x, 0)} kWh` : "-") },
    legend: { data: [t("dr.baseline"), t("dr.actual"), t("dr.target")], top: 0 },
    grid: { left: 70, right: 24, top: 40, bottom: 32 },
    xAxis: { type: "category", data: times },
    yAxis: { type: "value", name: "kWh", scale: true },
    series: [
      line(t("dr.baseline"), baseline, "#1f4e79"),
      line(t("dr.actual"), actual, "#e67e22"),
      line(t("dr.target"), target, "#888888", true),
    ],
  }, { replaceMerge: ["series"] });
}

async function commit(): Promise<void> {
  if (!chosen) return;
  try {
    await post(`/api/dr/requests/${encodeURIComponent(chosen)}/commitments`, {});
    await refreshDr();
  } catch (error) {
    showError(error);
  }
}

/** The grid-side battery contracts the key may see (a DC operator: its own; a grid operator: its area's); aggregators have none. */
async function loadContracts(role: string | undefined): Promise<void> {
  contracts = role === "dc-operator" || role === "grid-operator" ? await get<DrGridBattery[]>("/api/dr/grid-batteries") : [];
  if (role === "dc-operator" && substations === null) {
    try {
      substations = (await get<{ substations: Substation[] }>("/api/grid/substations")).substations;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      substations = []; // no headroom layer on this server: nothing to contract against
    }
  }
}

function drawContracts(): void {
  const role = state.me?.role;
  document.getElementById("dr-gb")!.hidden = role !== "dc-operator" && role !== "grid-operator";
  const form = document.getElementById("dr-gb-form")!;
  form.hidden = role !== "dc-operator" || !substations || substations.length === 0;
  // The layer's substations as suggestions; any substation of its model may be typed (the server's sensitivities decide).
  const list = document.getElementById("dr-gb-substations") as HTMLDataListElement;
  if (substations && list.options.length !== substations.length) {
    list.replaceChildren(...substations.map((x) => new Option(x.name, x.id)));
  }
  document.getElementById("dr-gb-result")!.textContent = contractNote;
  const body = document.querySelector("#dr-grid-batteries tbody") as HTMLTableSectionElement;
  body.replaceChildren();
  document.getElementById("dr-grid-batteries-empty")!.hidden = contracts.length > 0;
  for (const c of contracts) {
    const row = body.insertRow();
    row.dataset.site = c.site;
    row.dataset.battery = c.battery;
    row.dataset.reliefMw = c.reliefMw.toFixed(3);
    cell(row, c.operator);
    cell(row, c.site);
    cell(row, c.battery);
    cell(row, c.substation);
    cell(row, num(c.mw, 1), "num");
    cell(row, num(c.withoutMw, 1), "num");
    cell(row, num(c.withMw, 1), "num");
    cell(row, num(c.reliefMw, 1), "num");
    cell(row, num(c.yenPerMwOfRelief, 0), "num");
    cell(row, c.limitingLine ?? "-");
  }
}

/** Contracts the form's battery for the form's site; a refusal (the sensitivities say it does not relieve the site) shows its reason. */
async function contract(): Promise<void> {
  const value = (id: string): string => (document.getElementById(id) as HTMLInputElement).value.trim();
  const site = value("dr-gb-site");
  const price = value("dr-gb-price");
  const result = document.getElementById("dr-gb-result")!;
  result.dataset.status = "";
  try {
    const c = await post<DrGridBattery>(`/api/dr/sites/${encodeURIComponent(site)}/grid-batteries`, {
      id: value("dr-gb-id"), substation: value("dr-gb-substation"), mw: Number(value("dr-gb-mw")),
      priceYen: price === "" ? undefined : Number(price),
    });
    contractNote = t("dr.contracted", { battery: c.battery, without: num(c.withoutMw, 1), with: num(c.withMw, 1), relief: num(c.reliefMw, 1) });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    contractNote = error.message;
  }
  result.dataset.status = contractNote;
  await refreshDr();
}
