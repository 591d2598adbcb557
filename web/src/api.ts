// The server's API as the dashboard uses it (docs/server.md). The key is kept in sessionStorage and sent as X-Api-Key.

export type Metric = "carbon" | "price" | "curtailment";

export interface Area { code: string; number: number; name: string; nameJa: string; frequencyHz: number; tso: string }
export interface SignalValue { area: string; metric: string; unit: string; start: string; end: string; value: number | null }
export interface Series { location: string; metric: string; unit: string; start: string; stepMinutes: number; values: Array<number | null> }
export interface Forecast { area: string; metric: string; unit: string; origin: string; stepMinutes: number; levels: number[]; quantiles: Record<string, number[]> }
export interface Me { id: string; role: string; area: string | null; operator: string | null }
export interface Site { id: string; operator: string; name: string; area: string; itCapacityMw: number; pue: number; latitude: number | null; longitude: number | null; version: number }
export interface SitePower { siteId: string; operator: string; area: string; start: string; stepMinutes: number; plannedMw: number[]; limitMw: Array<number | null> | null }
export interface Workload { id: string; release: string; deadline: string; durationMinutes: number; powerKw: number; interruptible: boolean; sites: string[]; version: number }
export interface PlanRun { workload: string; site: string; start: string; end: string }
export interface Plan { version: number; createdAt: string; horizonStart: string; horizonEnd: string; runs: PlanRun[] }
export interface Order {
  id: string; area: string; operator: string; siteId: string; reductionMw: number; issuedAt: string; effectiveAt: string;
  expectedEndAt: string; reason: string | null; state: "issued" | "acknowledged"; issuedBy: string; acknowledgedAt: string | null; acknowledgedBy: string | null;
}
export interface SitingJob { id: string; study: string; state: "running" | "done" | "failed"; stage: string; stagesDone: number; candidates: number | null; ranked: number | null; error: string | null }
export interface SimulationJob { id: string; scenario: string; state: "running" | "done" | "failed" | "cancelled"; stage: string; stepsDone: number; stepsTotal: number; error: string | null; runOut: RunOutRow[] | null }
export interface RunOutRow {
  cluster: string; area: string; areaName: string; areaNameJa: string; substation: string; runsOut: number | null; runsOutShiftingInDay: number | null;
  runsOutWithShifting: number | null; yearsDeferred: number | null; limitingLine: string | null; reinforcementMw: number; reinforcementShiftedMw: number; roomGainedMw: number; lastYear: number; firstYear: number;
  uprateLine: string | null; lineUprateMw: number | null; lineUprateAtLeast: boolean; otherLines: Array<{ line: string; hours: number }>;
}
export interface AreaFeature { type: "Feature"; id: string; properties: { code: string; name: string; nameJa: string }; geometry: unknown }
export interface AreaMap { type: "FeatureCollection"; coarse: boolean; features: AreaFeature[] }
export interface RankedFeature { geometry: { coordinates: [number, number] }; properties: Record<string, string | number> }

export interface SubstationRow { id: string; name: string; area: string | null; voltageKv: number | null; lat: number | null; lon: number | null; source: "model" | "tso-upload"; uploadNode: string | null }
export interface SubstationList { model: string; synthetic: boolean; profile: string; from: string; to: string; substations: SubstationRow[] }
export interface ZoneFeature {
  geometry: { coordinates: [number, number] };
  properties: { id: string; name: string; area: string | null; zone: string; firm_mw: number | null; median_n1_mw: number | null; hours_with_room: number; hours: number; limiting_line: string | null; source: string };
}
export interface ZoneMap { model: string; synthetic: boolean; mw: number; from: string; to: string; features: ZoneFeature[] }
export interface SubstationHours { id: string; source: string; n0Mw: Array<number | null>; n1Mw: Array<number | null>; limitingLine: Array<string | null> }
export interface LayerHours { model: string; synthetic: boolean; from: string; to: string; hours: string[]; substations: SubstationHours[] }

export interface MarketClearingSummary { id: string; kind: "dayAhead" | "intraday"; start: string; end: string; runAt: string; offers: number; bids: number; welfareYen: number; upperBoundYen: number; gap: number; matchedMwh: number }
export interface MarketMatch { bid: string; buyer: string; offer: string; seller: string; site: string; area: string; hour: string; mw: number; priceYenPerMwh: number }
export interface MarketSettlement { operator: string; boughtMwh: number; paidYen: number; soldMwh: number; receivedYen: number; surplusYen: number; netYen: number }
export interface MarketClearing extends MarketClearingSummary {
  runBy: string; headroom: string; method: string; matches: MarketMatch[]; prices: Array<{ area: string; hour: string; yenPerMwh: number }>;
  settlement: MarketSettlement[]; unmatched: Array<{ bid: string; operator: string; matchedMwh: number; reason: string }>; volumes: Array<{ area: string; hour: string; mw: number }>;
}
export interface MarketPositions { operator: string; matches: Array<{ clearing: string; side: "bought" | "sold"; match: MarketMatch }>; boughtMwh: number; paidYen: number; soldMwh: number; receivedYen: number; surplusYen: number }
export interface MarketOffer { id: string; operator: string; site: string; area: string; start: string; end: string; mw: number; askYenPerMwh: number; tags: string[] }
export interface MarketBid { id: string; operator: string; mw: number; hours: number; release: string; deadline: string; valueYenPerMwh: number; areas: string[]; requires: string[]; divisible: boolean }
export interface MarketBidView { bid: MarketBid; state: "open" | "matched" }

export interface DrRequest { id: string; area: string; direction: string; mw: number; start: string; end: string; issuedAt: string; issuedBy: string }
export interface DrSiteCommitment { site: string; mw: number; priceYenPerKwh: number; slotsMw?: number[] | null }
export interface DrCommitment { request: string; operator: string; availableMw: number; sites: DrSiteCommitment[]; committedAt: string; committedBy: string }
export interface DrRequestView { request: DrRequest; committedMw: number; commitments: DrCommitment[]; committedSlotsMw: number[] }
export interface DrGridBattery {
  operator: string; site: string; area: string; battery: string; substation: string; mw: number; priceYen: number; withoutMw: number; withMw: number;
  reliefMw: number; yenPerMwOfRelief: number; limitingLine: string | null; limitingLineWith: string | null; why: string; model: string; contractedAt: string; signedBy: string;
}
export interface Substation { id: string; name: string; area: string | null; uploadNode: string | null }
export interface DrAnswer { request: string; availableMw: number; sites: DrSiteCommitment[]; note: string }
export interface DrSlotDelivery { timestamp: string; baselineKwh: number; actualKwh: number; deliveredKwh: number; committedKwh: number; shortfallKwh: number; creditedKwh: number }
export interface DrSiteDelivery {
  site: string; committedMw: number; computable: boolean; committedKwh: number; deliveredKwh: number | null; creditedKwh: number | null; shortfallKwh: number | null; why: string;
  baselineDays: string[]; adjustmentKwh: number; slots: DrSlotDelivery[];
}
export interface DrSettlement {
  request: DrRequest; committedMw: number; creditedKwh: number; amountYen: number;
  operators: Array<{ operator: string; committedMw: number; amountYen: number | null; status: string; sites: DrSiteDelivery[] }>;
}

/** An HTTP error with the server's ProblemDetails detail. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const keyName = "wattbit.apiKey";

export function apiKey(): string | null {
  return sessionStorage.getItem(keyName);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(keyName, key);
  else sessionStorage.removeItem(keyName);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey();
  return key ? { ...extra, "X-Api-Key": key } : extra;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // not a ProblemDetails body
    }
    throw new ApiError(response.status, `${method} ${path}: ${response.status} ${detail}`);
  }
  return (await response.json()) as T;
}

export const get = <T>(path: string): Promise<T> => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown): Promise<T> => request<T>("POST", path, body);

/** One server-sent event. */
export interface LiveEvent { type: string; id: string | null; data: unknown }

/**
 * Follows GET /api/events with the key in a header: EventSource cannot send headers, so this reads the stream with
 * fetch() and parses it, reconnecting with Last-Event-ID after a drop (as EventSource would). Returns a stop function.
 */
export function follow(onEvent: (e: LiveEvent) => void, onState: (state: "live" | "reconnecting") => void): () => void {
  const stop = new AbortController();
  let lastId: string | null = null;

  const run = async (): Promise<void> => {
    let delay = 1000;
    while (!stop.signal.aborted) {
      try {
        const h = headers({ Accept: "text/event-stream" });
        if (lastId) h["Last-Event-ID"] = lastId;
        const response = await fetch("/api/events", { headers: h, signal: stop.signal, cache: "no-store" });
        if (!response.ok || !response.body) throw new ApiError(response.status, `GET /api/events: ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + (buffer[end] === "\r" ? 4 : 2));
            const e = parseBlock(block);
            if (!e) continue;
            if (e.id) lastId = e.id;
            if (e.type === "ready") {
              onState("live");
              delay = 1000;
            }
            onEvent(e);
          }
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return;
      }
      onState("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30000);
    }
  };
  void run();
  return () => stop.abort();
}

function parseBlock(block: string): LiveEvent | null {
  let type = "message";
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") type = value;
    else if (field === "id") id = value;
    else if (field === "data") data.push(value);
  }
  if (data.length === 0 && type === "message") return null;
  const text = data.join("\n");
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // leave as text
  }
  return { type, id, data: parsed };
}
