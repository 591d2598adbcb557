// The WattBit dashboard: tabs, the API key, the language, and the live event stream that refreshes the views.
import "./style.css";
import { ApiError, apiKey, follow, get, setApiKey, type Area, type AreaMap, type Me, type Order, type SimulationJob, type SitingJob } from "./api";
import { registerJapan } from "./charts";
import { applyLabels, onLanguageChange, setLanguage, t, type Language } from "./i18n";
import { initMap, refreshMap } from "./map";
import { initSeries, refreshSeries } from "./series";
import { applyOrder, hasSites, initSites, refreshSites } from "./sites";
import { applySitingJob, initSiting } from "./siting";
import { drLoaded, initDr, refreshDr, showDr } from "./dr";
import { initMarket, marketLoaded, refreshMarket, showMarket } from "./market";
import { initZones, refreshZones, showZones, zonesLoaded } from "./zones";
import { applySimulationJob, initRoadmap, showRoadmap } from "./roadmap";
import { announce, showError, state, units } from "./state";

const views = ["map", "series", "sites", "siting", "zones", "market", "dr", "roadmap"] as const;
let stopFollowing: (() => void) | null = null;
let liveState: "live" | "reconnecting" | "offline" = "offline";
let drReady = false;

function showView(): void {
  const wanted = location.hash.replace("#", "");
  const view = (views as readonly string[]).includes(wanted) ? wanted : "map";
  for (const v of views) {
    document.getElementById(`view-${v}`)!.hidden = v !== view;
    const tab = document.querySelector<HTMLButtonElement>(`[data-view="${v}"]`)!;
    tab.setAttribute("aria-selected", String(v === view));
  }
  if (view === "zones") showZones();
  if (view === "market") showMarket();
  if (view === "dr" && drReady) showDr();
  if (view === "roadmap" && drReady) showRoadmap();
  window.dispatchEvent(new Event("resize"));
}

function drawStatus(): void {
  const who = document.getElementById("who")!;
  who.textContent = state.me ? `${state.me.id} · ${state.me.role}${state.me.area ? " " + state.me.area : ""}${state.me.operator ? " " + state.me.operator : ""}` : t("key.none");
  who.dataset.role = state.me?.role ?? "";
  const status = document.getElementById("status")!;
  status.dataset.live = liveState;
  status.textContent = t(liveState === "live" ? "status.live" : liveState === "reconnecting" ? "status.reconnecting" : "status.offline");
}

async function useKey(key: string | null): Promise<void> {
  stopFollowing?.();
  stopFollowing = null;
  liveState = "offline";
  setApiKey(key);
  state.me = null;
  if (key) {
    try {
      state.me = await get<Me>("/api/me");
    } catch (error) {
      setApiKey(null);
      document.getElementById("who")!.textContent = error instanceof ApiError && error.status === 401 ? t("key.bad") : String(error);
      announce("me");
      return;
    }
    stopFollowing = follow(onEvent, (s) => { liveState = s; drawStatus(); });
  }
  drawStatus();
  announce("me");
}

let resyncs = 0;

/**
 * The server says the stream after our Last-Event-ID is not complete (pruned, beyond what it holds, or from before a
 * restart): reread every view's state through the API instead of trusting the events that follow.
 */
function resync(): void {
  resyncs += 1;
  document.body.dataset.resyncs = String(resyncs);
  void refreshMap();
  void refreshSeries();
  if (hasSites()) void refreshSites();
  if (zonesLoaded()) void refreshZones();
  if (drLoaded()) void refreshDr();
  if (marketLoaded()) void refreshMarket();
}

function onEvent(e: { type: string; data: unknown }): void {
  switch (e.type) {
    case "ready":
      if ((e.data as { complete?: boolean } | null)?.complete === false) resync();
      break;
    case "signal":
      void refreshMap();
      void refreshSeries();
      break;
    case "curtailment-order":
      applyOrder(e.data as Order);
      break;
    case "plan":
    case "site":
    case "workload":
    case "dispatch-order":
      if (hasSites()) void refreshSites();
      break;
    case "headroom":
      if (zonesLoaded()) void refreshZones();
      break;
    case "dr-request":
    case "dr-commitment":
    case "dr-offers":
    case "dr-grid-battery":
      if (drLoaded()) void refreshDr();
      break;
    case "market-clearing":
      if (marketLoaded()) void refreshMarket();
      break;
    case "siting-job":
      void applySitingJob(e.data as SitingJob).catch(showError);
      break;
    case "simulation-job":
      void applySimulationJob(e.data as SimulationJob).catch(showError);
      break;
    default:
      break;
  }
}

async function start(): Promise<void> {
  // One list of metrics for every metric picker; labels follow the language.
  document.querySelectorAll<HTMLSelectElement>("select.metric-select").forEach((select) => {
    for (const metric of Object.keys(units)) {
      const option = new Option("", metric);
      option.dataset.i18n = `metric.${metric}`;
      select.append(option);
    }
  });
  applyLabels();
  document.querySelectorAll<HTMLButtonElement>("[data-lang]").forEach((b) =>
    b.addEventListener("click", () => setLanguage(b.dataset.lang as Language)));
  onLanguageChange(() => { drawStatus(); announce("language"); });
  document.querySelectorAll<HTMLButtonElement>("[data-view]").forEach((b) =>
    b.addEventListener("click", () => { location.hash = `#${b.dataset.view}`; }));
  window.addEventListener("hashchange", showView);
  showView();

  const form = document.getElementById("key-form") as HTMLFormElement;
  const input = document.getElementById("api-key") as HTMLInputElement;
  form.addEventListener("submit", (e) => { e.preventDefault(); void useKey(input.value.trim() || null); });
  document.getElementById("key-clear")!.addEventListener("click", () => { input.value = ""; void useKey(null); });

  const [areas, map] = await Promise.all([get<Area[]>("/api/areas"), get<AreaMap>("/api/map/areas")]);
  state.areas = areas;
  state.map = map;
  registerJapan(map);
  initMap();
  initSeries();
  initSites();
  initSiting();
  initZones();
  initMarket();
  initDr();
  initRoadmap();
  drReady = true;
  if (location.hash === "#dr") showDr();
  if (location.hash === "#roadmap") showRoadmap();
  await Promise.all([refreshMap(), refreshSeries()]);
  await useKey(apiKey());
  document.body.dataset.ready = "true";
  // Without a key there is no event stream: read the current slot again every minute.
  setInterval(() => { if (liveState !== "live") void refreshMap(); }, 60000);
  atEverySlot(() => {
    void refreshMap();
    void refreshSeries();
    if (hasSites()) void refreshSites();
  });
}

/** Runs at the start of every 30-min slot (slots are aligned to the hour in UTC and JST alike). */
function atEverySlot(run: () => void): void {
  const slot = 30 * 60000;
  setTimeout(() => { run(); atEverySlot(run); }, slot - (Date.now() % slot) + 1000);
}

start().catch(showError);
