// Every label of the dashboard in Japanese and English. Elements carry data-i18n="key"; setLanguage() rewrites them.

export type Language = "ja" | "en";

const labels = {
  subtitle: ["ワット・ビット連携ダッシュボード", "Watt-Bit dashboard"],
  "tab.map": ["地図", "Map"],
  "tab.series": ["時系列", "Time series"],
  "tab.sites": ["拠点と指令", "Sites and orders"],
  "tab.siting": ["立地", "Siting"],
  "key.label": ["APIキー", "API key"],
  "key.use": ["使う", "Use"],
  "key.clear": ["消去", "Clear"],
  "key.none": ["キーなし（公開データのみ）", "no key (public data only)"],
  "key.bad": ["キーが無効です", "key not accepted"],
  "metric.label": ["指標", "Metric"],
  "metric.carbon": ["CO2排出係数", "Carbon intensity"],
  "metric.price": ["電力価格", "Price"],
  "metric.curtailment": ["出力制御", "Curtailment"],
  "legend.siteOk": ["計画 < 上限の80%", "plan < 80% of limit"],
  "legend.siteNear": ["80〜100%", "80-100%"],
  "legend.siteOver": ["上限超過", "over the limit"],
  "map.hint": ["エリアをクリックすると時系列を表示します。", "Click an area to see its time series."],
  "map.slot": ["対象コマ", "Slot"],
  "map.coarse": ["（簡易境界）", "(coarse boundaries)"],
  "col.area": ["エリア", "Area"],
  "col.site": ["拠点", "Site"],
  "col.it": ["IT容量 MW", "IT capacity MW"],
  "col.pue": ["PUE", "PUE"],
  "col.maxDraw": ["最大受電 MW", "Max draw MW"],
  "col.plannedNow": ["現在の計画 MW", "Planned now MW"],
  "col.plannedPeak": ["計画最大 MW", "Planned peak MW"],
  "col.leastLimit": ["最小上限 MW", "Lowest limit MW"],
  "col.order": ["指令", "Order"],
  "col.reduction": ["削減 MW", "Reduction MW"],
  "col.effective": ["開始", "Effective"],
  "col.until": ["終了見込み", "Expected end"],
  "col.reason": ["理由", "Reason"],
  "col.state": ["状態", "State"],
  "col.rank": ["順位", "Rank"],
  "col.candidate": ["候補地", "Candidate"],
  "col.prefecture": ["都道府県", "Prefecture"],
  "col.score": ["スコア", "Score"],
  "col.headroom": ["空き容量 MW", "Headroom MW"],
  "series.history": ["実績（24時間）", "Last 24 h"],
  "series.p50": ["予測 P50", "Forecast P50"],
  "series.band": ["予測 P10〜P90", "Forecast P10-P90"],
  "series.summary": ["実績 {h} 点・予測 {f} 点", "{h} values, {f} forecast points"],
  "series.noForecast": ["予測なし", "no forecast"],
  "sites.needKey": ["DC事業者または送配電事業者のAPIキーを入力すると、拠点と受電制限指令を表示します。", "Enter a DC-operator or grid-operator API key to see sites and curtailment orders."],
  "sites.title": ["拠点：計画電力と受電上限", "Sites: planned power vs grid limit"],
  "sites.none": ["拠点はまだ登録されていません。", "No sites registered yet."],
  "sites.limitNote": ["今後24時間。計画 = 日前計画のジョブ電力 × PUE。上限 = 系統接続の上限から受電制限指令と作業停止を反映（接続未登録の拠点は IT容量 × PUE）。", "Next 24 h. Plan = the day-ahead plan's workload power × PUE. Limit = the grid connection's limit less curtailment orders, capped by maintenance (IT capacity × PUE for a site without a connection)."],
  "sites.limit": ["上限", "limit"],
  "sites.plan": ["計画", "plan"],
  "orders.title": ["受電制限指令", "Curtailment orders"],
  "orders.none": ["指令はありません。", "No orders."],
  "orders.ack": ["確認する", "Acknowledge"],
  "state.issued": ["発令", "issued"],
  "state.acknowledged": ["確認済み", "acknowledged"],
  "siting.needKey": ["立地検討にはプランナーのAPIキーが必要です。", "Siting studies need a planner API key."],
  "siting.studies": ["立地検討", "Siting studies"],
  "siting.run": ["順位付け", "Rank"],
  "siting.running": ["実行中：{stage}（{done} 段階完了）", "running: {stage} ({done} stages done)"],
  "siting.done": ["完了：{ranked} / {candidates} 候補を順位付け", "done: {ranked} of {candidates} candidates ranked"],
  "siting.failed": ["失敗：{error}", "failed: {error}"],
  "siting.none": ["検討はありません。", "No studies."],
  "tab.zones": ["ウェルカムゾーン", "Welcome zones"],
  "zones.mw": ["接続規模 MW", "Connection MW"],
  "zones.day": ["日", "Day"],
  "zones.hour": ["時刻", "Hour"],
  "zones.refresh": ["再読込", "Reload"],
  "zones.badMw": ["0より大きく10000以下のMWを入力してください。", "Enter a size in MW, more than 0 and at most 10000."],
  "zones.model": ["モデル", "Model"],
  "zones.synthetic": ["合成データ", "synthetic"],
  "zones.uploads": ["送配電事業者の公表値 {n} 変電所", "{n} substations from TSO uploads"],
  "zones.legendNote": ["色 = その日の区分（{mw} MW）、大きさ・ラベル = その時刻の N-1 空き容量、白抜き = その時刻は N-1 で不足", "colour = the day's class for {mw} MW; size and label = N-1 headroom at the hour; hollow = no N-1 room at the hour"],
  "zones.limiting": ["制約線路", "Limiting line"],
  "zones.contingency": ["想定事故", "Contingency"],
  "zones.hint": ["変電所をクリックすると時間別の空き容量と制約線路を表示します。", "Click a substation for its hourly headroom and limiting line."],
  "col.substation": ["変電所", "Substation"],
  "col.zone": ["区分", "Class"],
  "col.n1Now": ["N-1 MW（時刻）", "N-1 MW (hour)"],
  "col.firm": ["常時 MW", "Firm MW"],
  "col.source": ["出典", "Source"],
  "col.time": ["時刻", "Time"],
  "col.line": ["制約線路", "Limiting line"],
  "col.contingency": ["想定事故", "Contingency"],
  "zone.firm": ["常時接続可（ファーム）", "firm"],
  "zone.dynamic": ["ダイナミック", "dynamic"],
  "zone.curtailable": ["③ 出力制御前提", "③ curtailable"],
  "zone.constrained": ["制約あり", "constrained"],
  "zone.missing": ["データなし", "no data"],
  "source.model": ["モデル計算", "model"],
  "source.upload": ["送配電事業者の公表値", "TSO upload"],
  "tab.market": ["融通市場", "Market"],
  "market.needKey": ["市場の表示にはAPIキー（DC事業者・市場運営者など）が必要です。", "The market view needs an API key (DC operator, market operator...)."],
  "market.clearings": ["約定", "Clearings"],
  "market.noClearings": ["約定はまだありません。", "No clearing yet."],
  "market.dayAhead": ["前日", "day-ahead"],
  "market.intraday": ["当日", "intraday"],
  "market.matched": ["約定量", "matched"],
  "market.welfare": ["総余剰", "welfare"],
  "market.headroom": ["空き容量", "headroom"],
  "market.prices": ["エリア・時間別の価格（円/MWh、公開）", "Prices per area and hour (JPY/MWh, public)"],
  "market.volumes": ["エリア別の約定量（全事業者、MWh）", "Matched per area (all operators, MWh)"],
  "market.matches": ["自社の約定", "Own matches"],
  "market.noMatches": ["このキーに見える約定はありません。", "No match this key may see."],
  "market.settlement": ["精算", "Settlement"],
  "market.unmatched": ["未約定の入札", "Unmatched bids"],
  "market.positions": ["ポジション（全約定）", "Positions (every clearing)"],
  "market.positionsSummary": ["{op}：買 {bought} MWh（支払 {paid} 円）、売 {sold} MWh（受取 {received} 円）、余剰 {surplus} 円、約定 {n} 件", "{op}: bought {bought} MWh (paid {paid} JPY), sold {sold} MWh (received {received} JPY), surplus {surplus} JPY, {n} matches"],
  "market.book": ["自社の売り・買い注文", "Own offers and bids"],
  "market.noBook": ["注文はありません。", "No offers or bids."],
  "market.offer": ["売り", "offer"],
  "market.bid": ["買い", "bid"],
  "market.open": ["未約定", "open"],
  "market.matchedState": ["約定済み", "matched"],
  "market.anyArea": ["全エリア", "any area"],
  "col.clearing": ["約定ID", "Clearing"],
  "col.kind": ["種類", "Kind"],
  "col.window": ["対象時間", "Window"],
  "col.offers": ["売り", "Offers"],
  "col.bids": ["買い", "Bids"],
  "col.matchedMwh": ["約定 MWh", "Matched MWh"],
  "col.welfare": ["総余剰 円", "Welfare JPY"],
  "col.gap": ["ギャップ", "Gap"],
  "col.hour": ["時刻", "Hour"],
  "col.buyer": ["買い手/入札", "Buyer/bid"],
  "col.seller": ["売り手/拠点", "Seller/site"],
  "col.mw": ["MW", "MW"],
  "col.price": ["価格 円/MWh", "Price JPY/MWh"],
  "col.operator": ["事業者", "Operator"],
  "col.bought": ["買 MWh", "Bought MWh"],
  "col.paid": ["支払 円", "Paid JPY"],
  "col.sold": ["売 MWh", "Sold MWh"],
  "col.received": ["受取 円", "Received JPY"],
  "col.surplus": ["余剰 円", "Surplus JPY"],
  "col.bid": ["入札", "Bid"],
  "col.side": ["売買", "Side"],
  "col.id": ["ID", "Id"],
  "col.where": ["場所", "Where"],
  "col.limitPrice": ["指値 円/MWh", "Ask/value JPY/MWh"],
  "tab.dr": ["需要応答", "Demand response"],
  "dr.needKey": ["需要応答の表示には送配電事業者、DC事業者またはアグリゲーターのAPIキーが必要です。", "Demand response needs a grid-operator, DC-operator or aggregator API key."],
  "dr.requests": ["要請", "Requests"],
  "dr.noRequests": ["このキーに見える要請はありません。", "No request this key may see."],
  "dr.down": ["下げ", "down"],
  "dr.up": ["上げ", "up"],
  "dr.committed": ["応諾", "committed"],
  "dr.commitments": ["応諾（事業者・拠点別）", "Commitments (per operator and site)"],
  "dr.noCommitments": ["応諾はまだありません。", "No commitment yet."],
  "dr.answer": ["公表済みの調整力で {mw} MW（{sites} 拠点）", "Your published offers hold {mw} MW ({sites} sites)"],
  "dr.commit": ["応諾する", "Commit"],
  "dr.delivery": ["実績と精算（ERABベースライン）", "Delivery and settlement (ERAB baseline)"],
  "dr.settled": ["算定量 {kwh} kWh・支払 {yen} 円", "credited {kwh} kWh, paid {yen} JPY"],
  "dr.slots": ["{site} の30分コマ別: ベースラインと実績", "{site} per 30-min slot: baseline and actual"],
  "dr.baseline": ["ベースライン kWh", "baseline kWh"],
  "dr.actual": ["実績 kWh", "actual kWh"],
  "dr.target": ["応諾どおりの実績 kWh", "actual as committed kWh"],
  "dr.gridBatteries": ["系統側蓄電池の契約", "Grid-side battery contracts"],
  "dr.gridBatteriesHelp": ["自社に蓄電池がない拠点は系統上の別の蓄電池と契約できます。効くかどうかは距離ではなく感度（PTDF・N-1）で判定します。", "A site without its own battery can contract one elsewhere on the grid; whether it relieves the site is decided by the sensitivities (PTDF, N-1), not by distance."],
  "dr.noGridBatteries": ["契約はありません。", "No contract."],
  "dr.contract": ["契約する", "Contract"],
  "dr.contracted": ["{battery} を契約: 空き容量 {without} → {with} MW（+{relief} MW）", "{battery} contracted: headroom {without} → {with} MW (+{relief} MW)"],
  "col.request": ["要請", "Request"],
  "col.direction": ["方向", "Direction"],
  "col.noticeMin": ["通知 分", "Notice min"],
  "col.priceKwh": ["価格 円/kWh", "Price JPY/kWh"],
  "col.committedAt": ["応諾時刻", "Committed at"],
  "col.committedKwh": ["応諾 kWh", "Committed kWh"],
  "col.slotsMw": ["30分コマ別 MW", "MW per 30-min slot"],
  "col.deliveredKwh": ["実績 kWh", "Delivered kWh"],
  "col.creditedKwh": ["算定 kWh", "Credited kWh"],
  "col.shortfallKwh": ["不足 kWh", "Shortfall kWh"],
  "col.amount": ["金額 円", "Amount JPY"],
  "col.battery": ["蓄電池", "Battery"],
  "col.priceYen": ["価格（円）", "Price (JPY)"],
  "col.headroomWithout": ["空き容量（なし） MW", "Headroom without MW"],
  "col.headroomWith": ["空き容量（あり） MW", "Headroom with MW"],
  "col.reliefMw": ["改善 MW", "Relief MW"],
  "col.yenPerMwRelief": ["円/MW（改善）", "JPY per MW of relief"],
  "col.limitingLine": ["制約線路", "Limiting line"],
  "col.why": ["理由", "Why"],
  "tab.roadmap": ["ロードマップ", "Roadmap"],
  "roadmap.needKey": ["ロードマップの実行にはプランナーのAPIキーが必要です。", "Roadmaps are run by planner API keys."],
  "roadmap.scenarios": ["ロードマップ（2025〜2035年、系統の空き容量はいつどこで尽きるか）", "Roadmaps (where and when the grid runs out, and how much shifting defers it)"],
  "roadmap.run": ["実行", "Run"],
  "roadmap.none": ["ロードマップはありません。", "No roadmap."],
  "roadmap.running": ["実行中：{stage}（{done} / {total} 年）", "running: {stage} ({done} of {total} years)"],
  "roadmap.done": ["完了：{clusters} クラスタ、{first}年まで", "done: {clusters} clusters, to {first}"],
  "roadmap.failed": ["失敗：{error}", "failed: {error}"],
  "roadmap.never": ["{year}年まで不足なし", "fits to {year}"],
  "roadmap.plotWithout": ["シフトなしで不足する年", "runs out without shifting"],
  "roadmap.plotWith": ["シフトありで不足する年", "runs out with shifting"],
  "roadmap.note": ["不足する年：クラスタの負荷が変電所の空き容量（N-1）を超える最初の年。シフトあり：柔軟な負荷を日内の他の時間・他エリアのクラスタへ移した場合。1年先送りするには：不足する年に最初に制約となる送電線の定格をどれだけ上げれば負荷が収まるか（すでに空き容量が0の時間は、その送電線が限度を超えている分を含む）。補強量：最終年に必要なMW。", "Runs out: the first year the cluster's load is above its room at its substation (N-1) in some hour. With shifting: its flexible work moved to other hours of the day and to clusters of other areas. To defer it one year: by how much the line that binds first must be uprated by that year for the load to fit the hours it limits (where the room is already 0, with what that line is over its limit). Reinforcement: MW needed in the last year."],
  "col.cluster": ["クラスタ", "Cluster"],
  "col.runsOut": ["不足する年", "Runs out"],
  "col.runsOutShifted": ["シフトあり", "With shifting"],
  "col.deferred": ["先送り年数", "Years deferred"],
  "col.firstLine": ["最初に制約となる送電線", "Line that binds first"],
  "col.deferOneYear": ["1年先送りするには", "To defer it one year"],
  "roadmap.uprate": ["{year}年までに{line}を{mw} MW増強", "uprate {line} by {mw} MW by {year}"],
  "roadmap.uprateAtLeast": ["{year}年までに{line}を少なくとも{mw} MW増強", "uprate {line} by at least {mw} MW by {year}"],
  "roadmap.eachCircuit": ["{line}（各回線）", "{line} (each circuit)"],
  "roadmap.alsoOver": ["（単独では先送りできない：{lines}も超過）", "; alone it does not defer it: {lines} also over"],
  "roadmap.lineHours": ["{line}（{hours}時間）", "{line} ({hours} h)"],
  "col.reinforcementMw": ["必要な補強 MW", "Reinforcement MW"],
  "col.reinforcementShiftedMw": ["シフトあり MW", "With shifting MW"],
  "status.live": ["ライブ更新中", "live"],
  "status.offline": ["ライブ更新なし（キーなし）", "not live (no key)"],
  "status.reconnecting": ["再接続中…", "reconnecting..."],
  "status.error": ["エラー", "error"],
} as const satisfies Record<string, readonly [string, string]>;

export type LabelKey = keyof typeof labels;

let current: Language = initialLanguage();
const listeners: Array<() => void> = [];

function initialLanguage(): Language {
  const saved = localStorage.getItem("wattbit.lang");
  if (saved === "ja" || saved === "en") return saved;
  return navigator.language.toLowerCase().startsWith("ja") ? "ja" : "en";
}

export function language(): Language {
  return current;
}

/** The label in the current language, with {name} placeholders filled in. */
export function t(key: LabelKey, values: Record<string, string | number> = {}): string {
  const text = labels[key][current === "ja" ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ""));
}

/** An area's name in the current language (東京 / Tokyo). */
export function areaName(area: { name: string; nameJa: string }): string {
  return current === "ja" ? area.nameJa : area.name;
}

export function onLanguageChange(listener: () => void): void {
  listeners.push(listener);
}

export function setLanguage(lang: Language): void {
  current = lang;
  localStorage.setItem("wattbit.lang", lang);
  applyLabels();
  for (const l of listeners) l();
}

export function applyLabels(root: ParentNode = document): void {
  document.documentElement.lang = current;
  root.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => {
    el.textContent = t(el.dataset.i18n as LabelKey);
  });
  document.querySelectorAll<HTMLButtonElement>("[data-lang]").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.dataset.lang === current));
  });
}

/** A number in the current locale. */
export function num(value: number, digits = 0): string {
  return value.toLocaleString(current === "ja" ? "ja-JP" : "en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** An instant as local Japan time, e.g. 11/10 12:30. */
export function jst(iso: string): string {
  return new Date(iso).toLocaleString(current === "ja" ? "ja-JP" : "en-GB", {
    timeZone: "Asia/Tokyo", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  });
}
