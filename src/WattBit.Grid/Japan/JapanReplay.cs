using System.Globalization;
using WattBit.Formats;
using WattBit.Grid.PowerFlow;

namespace WattBit.Grid.Japan;

/// <summary>One row of a replay (formats.md §8).</summary>
/// <param name="Line">OCCTO line name, or tie name.</param>
/// <param name="Area">The area's Japanese name as OCCTO writes it; empty for a tie.</param>
/// <param name="VoltageKv">Voltage class, kV (NaN for a tie).</param>
/// <param name="Slot">Half-hour 0..47 in file order.</param>
/// <param name="ObservedMw">Observed flow, MW, in the file's positive direction.</param>
/// <param name="ModelledMw">Modelled flow in the same direction, MW (the file's convention: where <see cref="JapanOcctoErrata"/>
/// says OCCTO's sign is reversed, the modelled value is reversed with it); NaN where the model has no branch for the line.</param>
public sealed record ReplayRow(string Line, string Area, double VoltageKv, int Slot, double ObservedMw, double ModelledMw);

/// <summary>The accuracy of one replayed day.</summary>
/// <param name="Day">The day.</param>
/// <param name="Lines">Trunk lines in the day's file.</param>
/// <param name="LinesMatched">Of those, lines the model has a branch for.</param>
/// <param name="RSquared">1 − SSE/SST of modelled against observed over every matched line and slot.</param>
/// <param name="DirectionShare">Share of matched line-slots with |observed| &gt; 100 MW where the modelled flow has the same sign.</param>
/// <param name="TieError">Mean absolute tie error over mean absolute tie flow, all modelled ties (links follow their set-point).</param>
/// <param name="AcTieError">The same over the AC ties only (impedance branches: the model's own result).</param>
public sealed record ReplayMetrics(DateOnly Day, int Lines, int LinesMatched, double RSquared, double DirectionShare, double TieError, double AcTieError)
{
    /// <summary>Share of the day's lines matched to a branch.</summary>
    public double MatchedShare => Lines == 0 ? double.NaN : (double)LinesMatched / Lines;
}

/// <summary>A replayed day: rows and metrics.</summary>
/// <param name="Metrics">Accuracy figures.</param>
/// <param name="Rows">One row per observed line (then tie) and slot.</param>
public sealed record ReplayResult(ReplayMetrics Metrics, IReadOnlyList<ReplayRow> Rows);

/// <summary>
/// Runs the Japan backbone on one OCCTO day (formats.md §8, decision 0102): each plant's units drive its generator;
/// each area's demand is spread by the buses' load shares and its generation outside the listed units (demand plus net
/// export minus the placed units: solar, wind, small plants, unplaced units) by their other shares; the HVDC and
/// converter links carry their observed flows; the existing <see cref="DcPowerFlow"/> machinery (<see cref="DcModel"/>)
/// solves each half-hour. Thread-safe.
/// </summary>
public static class JapanReplay
{
    /// <summary>The per-slot inputs of a day.</summary>
    internal sealed record DayInputs(double[][] PlantMw, Dictionary<string, double>[] DemandMw, Dictionary<string, double>[] OtherMw, double[][] LinkMw);

    /// <summary>Replays a day on a model.</summary>
    public static ReplayResult Run(JapanBackbone model, OcctoDay day) => Run(model, new DcModel(model?.Network ?? throw new ArgumentNullException(nameof(model))), day);

    /// <summary>Replays a day on a model whose <see cref="DcModel"/> is already built.</summary>
    /// <param name="model">The model.</param>
    /// <param name="dc">Its DC model.</param>
    /// <param name="day">The OCCTO day.</param>
    /// <param name="freeTies">Null: each area's balance uses the day's observed tie flows (the AC ties then carry them
    /// exactly). Given: the observed AC tie flows are not used; each AC island's generation outside the listed units is
    /// split over its areas by these shares (fitted on calibration days), so the AC ties carry the model's own flows.</param>
    public static ReplayResult Run(JapanBackbone model, DcModel dc, OcctoDay day, FreeTieShares? freeTies = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dc);
        ArgumentNullException.ThrowIfNull(day);
        var net = model.Network;
        var plantIndex = Enumerable.Range(0, model.Plants.Length).ToDictionary(g => (model.Plants[g].Area.Code, model.Plants[g].Plant), g => g);
        var inputs = AreaInputs(day, plantIndex, model.Plants.Length, model.Links);
        if (freeTies is not null)
        {
            inputs = freeTies.Apply(inputs, day.Day);
        }

        var flows = new double[OcctoDay.Slots][];
        var p = new double[net.Buses.Length];
        for (var t = 0; t < OcctoDay.Slots; t++)
        {
            Array.Clear(p);
            var valid = true;
            for (var b = 0; b < p.Length; b++)
            {
                var code = model.Buses[b].Area.Code;
                var demand = inputs.DemandMw[t].GetValueOrDefault(code, double.NaN);
                var other = inputs.OtherMw[t].GetValueOrDefault(code, double.NaN);
                valid &= double.IsFinite(demand) && double.IsFinite(other);
                p[b] = (model.Buses[b].OtherShare * other) - (model.Buses[b].LoadShare * demand);
            }

            for (var g = 0; g < model.Plants.Length; g++)
            {
                p[net.Generators[g].BusIndex] += inputs.PlantMw[t][g];
            }

            for (var k = 0; k < model.Links.Length; k++)
            {
                valid &= double.IsFinite(inputs.LinkMw[t][k]);
                p[model.Links[k].FromBus] -= inputs.LinkMw[t][k];
                p[model.Links[k].ToBus] += inputs.LinkMw[t][k];
            }

            var f = new double[net.Branches.Length];
            if (valid)
            {
                dc.Solve(p, f);
            }
            else
            {
                Array.Fill(f, double.NaN);
            }

            flows[t] = f;
        }

        var rows = new List<ReplayRow>();
        int matched = 0;
        double sse = 0, sumObs = 0, sumObs2 = 0;
        long n = 0, dirTotal = 0, dirRight = 0;
        foreach (var line in day.Lines)
        {
            var has = model.TryGetBranches(line.Area.Code, line.Name, out var circuits);
            var sign = has ? Orientation(model.Branches[circuits[0]].PositiveDirection, line.PositiveDirection) * model.Branches[circuits[0]].OcctoSign : 1;
            matched += has ? 1 : 0;
            for (var t = 0; t < OcctoDay.Slots; t++)
            {
                var modelled = has ? sign * JapanOcctoErrata.Sign(line.Area.Code, line.Name, day.Day, t) * circuits.Sum(c => flows[t][c]) : double.NaN;
                var observed = line.FlowMw[t];
                rows.Add(new ReplayRow(line.Name, line.Area.NameJa, line.VoltageKv, t, observed, modelled));
                if (double.IsFinite(observed) && double.IsFinite(modelled))
                {
                    sse += (observed - modelled) * (observed - modelled);
                    sumObs += observed;
                    sumObs2 += observed * observed;
                    n++;
                    if (Math.Abs(observed) > 100)
                    {
                        dirTotal++;
                        dirRight += Math.Sign(observed) == Math.Sign(modelled) ? 1 : 0;
                    }
                }
            }
        }

        double tieErr = 0, tieAbs = 0, acErr = 0, acAbs = 0;
        foreach (var tie in day.Ties)
        {
            var routes = JapanTies.Routes.Where(r => r.OcctoName == tie.Name).ToArray();
            var hasAc = model.TryGetBranches(null, tie.Name, out var circuits);
            var links = Enumerable.Range(0, model.Links.Length).Where(k => model.Links[k].OcctoName == tie.Name).ToArray();
            var sign = routes.Length == 0 || tie.From is null ? 1 : tie.From.Code == routes[0].FromArea ? 1 : -1;
            for (var t = 0; t < OcctoDay.Slots; t++)
            {
                var modelled = hasAc ? sign * circuits.Sum(c => flows[t][c])
                    : links.Length > 0 ? sign * links.Sum(k => inputs.LinkMw[t][k])
                    : double.NaN;
                var observed = tie.FlowMw[t];
                rows.Add(new ReplayRow(tie.Name, string.Empty, double.NaN, t, observed, modelled));
                if (double.IsFinite(observed) && double.IsFinite(modelled))
                {
                    tieErr += Math.Abs(observed - modelled);
                    tieAbs += Math.Abs(observed);
                    if (hasAc)
                    {
                        acErr += Math.Abs(observed - modelled);
                        acAbs += Math.Abs(observed);
                    }
                }
            }
        }

        var sst = sumObs2 - (sumObs * sumObs / Math.Max(1, n));
        var metrics = new ReplayMetrics(day.Day, day.Lines.Count, matched, n > 0 ? 1 - (sse / sst) : double.NaN,
            dirTotal > 0 ? (double)dirRight / dirTotal : double.NaN, tieAbs > 0 ? tieErr / tieAbs : double.NaN, acAbs > 0 ? acErr / acAbs : double.NaN);
        return new ReplayResult(metrics, rows);
    }

    /// <summary>The AC islands of a model: area code to the smallest area code of its island (areas joined by AC branches).</summary>
    internal static Dictionary<string, string> Islands(JapanBackbone model)
    {
        var codes = model.Buses.Select(b => b.Area.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var parent = codes.ToDictionary(c => c, c => c, StringComparer.Ordinal);
        string Find(string c) => parent[c] == c ? c : parent[c] = Find(parent[c]);
        foreach (var br in model.Network.Branches.Where(b => b.InService))
        {
            var (a, b) = (Find(model.Buses[br.From].Area.Code), Find(model.Buses[br.To].Area.Code));
            if (a != b)
            {
                parent[string.CompareOrdinal(a, b) < 0 ? b : a] = string.CompareOrdinal(a, b) < 0 ? a : b;
            }
        }

        return codes.ToDictionary(c => c, Find, StringComparer.Ordinal);
    }

    /// <summary>The replay header of formats.md §8.</summary>
    public const string Header = "line,area,voltage_kv,slot,observed_mw,modelled_mw";

    /// <summary>Writes the rows as CSV (formats.md §8).</summary>
    public static void WriteCsv(TextWriter writer, ReplayResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var r in result.Rows)
        {
            writer.Write(Csv.Escape(r.Line));
            writer.Write(',');
            writer.Write(Csv.Escape(r.Area));
            writer.Write(',');
            writer.Write(double.IsNaN(r.VoltageKv) ? string.Empty : r.VoltageKv.ToString("0.###", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(r.Slot.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(Mw(r.ObservedMw));
            writer.Write(',');
            writer.Write(Mw(r.ModelledMw));
            writer.Write('\n');
        }
    }

    private static string Mw(double v) => double.IsFinite(v) ? Math.Round(v, 3).ToString("0.###", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>+1 when a day's positive direction is the branch's, −1 when it names the same ends the other way.</summary>
    internal static int Orientation(string branchDirection, string dayDirection)
    {
        if (branchDirection == dayDirection || !JapanStationNames.TrySplitDirection(branchDirection, out var a, out var b)
            || !JapanStationNames.TrySplitDirection(dayDirection, out var c, out var d))
        {
            return 1;
        }

        return JapanStationNames.Normalize(a) == JapanStationNames.Normalize(d) && JapanStationNames.Normalize(b) == JapanStationNames.Normalize(c) ? -1 : 1;
    }

    /// <summary>
    /// The inputs of each half-hour: plant outputs (NaN as 0), area demand, area generation outside the placed plants
    /// (demand + net export over the modelled ties − placed plants) and each link's set-point.
    /// </summary>
    internal static DayInputs AreaInputs(OcctoDay day, IReadOnlyDictionary<(string, string), int> plantIndex, int plants, IReadOnlyList<JapanLink> links)
    {
        var plantMw = new double[OcctoDay.Slots][];
        var demand = new Dictionary<string, double>[OcctoDay.Slots];
        var other = new Dictionary<string, double>[OcctoDay.Slots];
        var linkMw = new double[OcctoDay.Slots][];
        var placed = new Dictionary<string, double>(StringComparer.Ordinal);
        var unitPlant = day.Units.Select(u => plantIndex.TryGetValue((u.Area.Code, JapanStationNames.PlantName(u.Plant)), out var g) ? g : -1).ToArray();
        for (var t = 0; t < OcctoDay.Slots; t++)
        {
            plantMw[t] = new double[plants];
            linkMw[t] = new double[links.Count];
            demand[t] = new Dictionary<string, double>(StringComparer.Ordinal);
            other[t] = new Dictionary<string, double>(StringComparer.Ordinal);
            placed.Clear();
            for (var i = 0; i < day.Units.Count; i++)
            {
                var u = day.Units[i];
                var g = unitPlant[i];
                if (g >= 0 && double.IsFinite(u.OutputMw[t]))
                {
                    plantMw[t][g] += u.OutputMw[t];
                    placed[u.Area.Code] = placed.GetValueOrDefault(u.Area.Code) + u.OutputMw[t];
                }
            }

            foreach (var (code, series) in day.DemandMw)
            {
                demand[t][code] = series[t];
                other[t][code] = series[t] - placed.GetValueOrDefault(code);
            }

            foreach (var tie in day.Ties)
            {
                var route = JapanTies.Routes.FirstOrDefault(r => r.OcctoName == tie.Name);
                if (route is null || tie.From is null || tie.To is null)
                {
                    continue;
                }

                var f = tie.FlowMw[t];
                // Net export: the source area exports f, the target imports it.
                other[t][tie.From.Code] = other[t].GetValueOrDefault(tie.From.Code, double.NaN) + f;
                other[t][tie.To.Code] = other[t].GetValueOrDefault(tie.To.Code, double.NaN) - f;
                var sign = tie.From.Code == route.FromArea ? 1 : -1;
                for (var k = 0; k < links.Count; k++)
                {
                    if (links[k].OcctoName == tie.Name)
                    {
                        linkMw[t][k] = sign * f * links[k].Share;
                    }
                }
            }
        }

        return new DayInputs(plantMw, demand, other, linkMw);
    }
}

/// <summary>
/// A replay without the observed AC tie flows (issue 20, decision 0105): each AC island's generation outside the listed
/// units (its demand − its placed units + its links' net export) is split over the island's areas by the mean shares of
/// the calibration days, per half-hour of day; nothing of the replayed day's ties enters the area balances, so the AC
/// ties carry the model's own solution. Links (HVDC, converters) still follow their observed set-points: they are
/// dispatched, not physics. Immutable.
/// </summary>
public sealed class FreeTieShares
{
    private readonly Dictionary<string, string> _island;
    private readonly Dictionary<string, double[]> _share;
    private readonly Dictionary<string, IslandRegression> _regressions;
    private readonly string[] _plantArea;
    private readonly AreaOwnGeneration? _own;
    private readonly Dictionary<string, List<IslandSample>> _samples;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IslandRegression?> _withOwn = new(StringComparer.Ordinal);

    private FreeTieShares(Dictionary<string, string> island, Dictionary<string, double[]> share, Dictionary<string, IslandRegression>? regressions = null,
        string[]? plantArea = null, AreaOwnGeneration? own = null, OwnActuals what = OwnActuals.None, Dictionary<string, List<IslandSample>>? samples = null,
        double ridge = 1e-3)
    {
        _island = island;
        _share = share;
        _regressions = regressions ?? new(StringComparer.Ordinal);
        _plantArea = plantArea ?? [];
        _own = own;
        Own = own is null ? OwnActuals.None : what;
        _samples = samples ?? new(StringComparer.Ordinal);
        _ridge = ridge;
    }

    private readonly double _ridge;

    /// <summary>One calibration half-hour of an island: the regressors of decision 0109, each area's own actuals (null where
    /// it has none that day) and each area's other generation.</summary>
    private sealed record IslandSample(double[] X, double[]?[] Own, double[] Y);

    /// <summary>Which of the areas' own actuals the regression reads besides decision 0109's regressors (decision 0125).</summary>
    public OwnActuals Own { get; }

    /// <summary>True when the split is the regression of <see cref="FitRegression(JapanBackbone, IEnumerable{OcctoDay}, double)"/>, not the mean shares.</summary>
    public bool IsRegression => _regressions.Count > 0;

    /// <summary>Each area's share of its island's other generation, per half-hour of day (1 for an area alone).</summary>
    public IReadOnlyDictionary<string, double[]> Shares => _share;

    /// <summary>Fits the shares on <paramref name="calibrationDays"/> (their observed ties are used here, and only here).</summary>
    public static FreeTieShares Fit(JapanBackbone model, IEnumerable<OcctoDay> calibrationDays)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibrationDays);
        var island = JapanReplay.Islands(model);
        var plantIndex = Enumerable.Range(0, model.Plants.Length).ToDictionary(g => (model.Plants[g].Area.Code, model.Plants[g].Plant), g => g);
        var sum = island.Keys.ToDictionary(c => c, _ => new double[OcctoDay.Slots], StringComparer.Ordinal);
        foreach (var day in calibrationDays)
        {
            var inputs = JapanReplay.AreaInputs(day, plantIndex, model.Plants.Length, model.Links);
            for (var t = 0; t < OcctoDay.Slots; t++)
            {
                if (island.Keys.All(c => double.IsFinite(inputs.OtherMw[t].GetValueOrDefault(c, double.NaN))))
                {
                    foreach (var c in island.Keys)
                    {
                        sum[c][t] += inputs.OtherMw[t][c];
                    }
                }
            }
        }

        var share = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var c in island.Keys)
        {
            var members = island.Keys.Where(x => island[x] == island[c]).ToArray();
            share[c] = new double[OcctoDay.Slots];
            for (var t = 0; t < OcctoDay.Slots; t++)
            {
                var total = members.Sum(m => sum[m][t]);
                share[c][t] = members.Length == 1 ? 1 : Math.Abs(total) > 1e-9 ? sum[c][t] / total : 1.0 / members.Length;
            }
        }

        return new FreeTieShares(island, share);
    }

    /// <summary>
    /// Fits, per AC island of several areas, a linear model of each area's other generation on what the day shows without
    /// its ties: the island's other generation and every area's demand less its placed units (one coefficient set per
    /// area, pooled over the half-hours, standardised regressors, a small ridge). The areas' predictions are shifted
    /// equally so they add up to the island's total. Fitted on <paramref name="calibrationDays"/> only.
    /// </summary>
    public static FreeTieShares FitRegression(JapanBackbone model, IEnumerable<OcctoDay> calibrationDays, double ridge = 1e-3) =>
        FitRegression(model, calibrationDays, null, OwnActuals.None, ridge);

    /// <summary>
    /// As <see cref="FitRegression(JapanBackbone, IEnumerable{OcctoDay}, double)"/>, and where areas of an island have their
    /// own actuals on the replayed day (<paramref name="own"/>: a TSO's solar, wind), those enter as further regressors
    /// (decision 0125): the island's regression for that set of areas is fitted on the calibration half-hours where the same
    /// areas have them, at the first day that needs it. An island without own actuals that day keeps decision 0109's split.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="calibrationDays">The days to fit on (their observed ties enter here only).</param>
    /// <param name="own">The areas' own actuals, or null.</param>
    /// <param name="what">Which of them are read.</param>
    /// <param name="ridge">Ridge weight per sample on the standardised regressors.</param>
    public static FreeTieShares FitRegression(JapanBackbone model, IEnumerable<OcctoDay> calibrationDays, AreaOwnGeneration? own, OwnActuals what, double ridge = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibrationDays);
        var days = calibrationDays.ToArray();
        var baseShares = Fit(model, days);
        var island = baseShares._island;
        var plantIndex = Enumerable.Range(0, model.Plants.Length).ToDictionary(g => (model.Plants[g].Area.Code, model.Plants[g].Plant), g => g);
        var regressions = new Dictionary<string, IslandRegression>(StringComparer.Ordinal);
        var samples = new Dictionary<string, List<IslandSample>>(StringComparer.Ordinal);
        foreach (var root in island.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var areas = island.Keys.Where(c => island[c] == root).Order(StringComparer.Ordinal).ToArray();
            if (areas.Length < 2)
            {
                continue;
            }

            var xs = new List<double[]>();
            var ys = new List<double[]>();
            var islandSamples = new List<IslandSample>();
            foreach (var day in days)
            {
                var inputs = JapanReplay.AreaInputs(day, plantIndex, model.Plants.Length, model.Links);
                var ownRows = areas.Select(c => own is not null && own.TryGet(c, day.Day, what, out var f) ? f : null).ToArray();
                for (var t = 0; t < OcctoDay.Slots; t++)
                {
                    if (IslandRow(model, inputs, t, areas) is { } x && areas.All(c => double.IsFinite(inputs.OtherMw[t].GetValueOrDefault(c, double.NaN))))
                    {
                        xs.Add(x);
                        ys.Add([.. areas.Select(c => inputs.OtherMw[t][c])]);
                        islandSamples.Add(new IslandSample(x, [.. ownRows.Select(r => r?[t])], ys[^1]));
                    }
                }
            }

            regressions[root] = IslandRegression.Fit(areas, xs, ys, ridge);
            samples[root] = islandSamples;
        }

        return new FreeTieShares(island, baseShares._share, regressions, [.. model.Plants.Select(p => p.Area.Code)], own, what, samples, ridge);
    }

    /// <summary>The island's regression when the areas flagged in <paramref name="present"/> have their own actuals; null
    /// when no calibration half-hour has them all (decision 0109's split is kept then).</summary>
    private IslandRegression? WithOwn(string root, IslandRegression plain, bool[] present)
    {
        var key = root + "|" + string.Concat(present.Select(p => p ? '1' : '0'));
        return _withOwn.GetOrAdd(key, _ =>
        {
            var xs = new List<double[]>();
            var ys = new List<double[]>();
            foreach (var sample in _samples[root])
            {
                if (Enumerable.Range(0, present.Length).All(i => !present[i] || sample.Own[i] is not null))
                {
                    xs.Add(Extend(sample.X, present, i => sample.Own[i]!));
                    ys.Add(sample.Y);
                }
            }

            return xs.Count < OcctoDay.Slots ? null : IslandRegression.Fit(plain.Areas, xs, ys, _ridge);
        });
    }

    private static double[] Extend(double[] x, bool[] present, Func<int, double[]> own)
    {
        var extra = new List<double>(x);
        for (var i = 0; i < present.Length; i++)
        {
            if (present[i])
            {
                extra.AddRange(own(i));
            }
        }

        return [.. extra];
    }

    /// <summary>The regressors of an island at a half-hour: its other generation, then each area's demand less its placed units.</summary>
    private static double[]? IslandRow(JapanBackbone model, JapanReplay.DayInputs inputs, int t, string[] areas) =>
        IslandRow([.. model.Plants.Select(p => p.Area.Code)], inputs, t, areas);

    private static double[]? IslandRow(string[] plantArea, JapanReplay.DayInputs inputs, int t, string[] areas)
    {
        var x = new double[1 + areas.Length];
        for (var i = 0; i < areas.Length; i++)
        {
            var other = inputs.OtherMw[t].GetValueOrDefault(areas[i], double.NaN);
            var demand = inputs.DemandMw[t].GetValueOrDefault(areas[i], double.NaN);
            if (!double.IsFinite(other) || !double.IsFinite(demand))
            {
                return null;
            }

            x[0] += other;
            x[1 + i] = demand;
        }

        for (var g = 0; g < plantArea.Length; g++)
        {
            var i = Array.IndexOf(areas, plantArea[g]);
            if (i >= 0)
            {
                x[1 + i] -= inputs.PlantMw[t][g];
            }
        }

        return x;
    }

    /// <summary>Replaces each area's other generation by its share of its island's (or the regression's estimate).</summary>
    internal JapanReplay.DayInputs Apply(JapanReplay.DayInputs inputs, DateOnly day)
    {
        // Per island: the areas with their own actuals on this day and the regression for that set (decision 0125).
        var chosen = new Dictionary<string, (IslandRegression Regression, bool[] Present, double[][]?[] Own)>(StringComparer.Ordinal);
        foreach (var (root, plain) in _regressions)
        {
            var own = plain.Areas.Select(c => _own is not null && _own.TryGet(c, day, Own, out var f) ? f : null).ToArray();
            var present = own.Select(o => o is not null).ToArray();
            var regression = present.Any(p => p) ? WithOwn(root, plain, present) : null;
            chosen[root] = regression is null ? (plain, new bool[present.Length], own) : (regression, present, own);
        }

        var other = new Dictionary<string, double>[OcctoDay.Slots];
        for (var t = 0; t < OcctoDay.Slots; t++)
        {
            // The island's other generation does not depend on its AC ties: they cancel inside the island.
            var total = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (code, root) in _island)
            {
                total[root] = total.GetValueOrDefault(root) + inputs.OtherMw[t].GetValueOrDefault(code, double.NaN);
            }

            other[t] = _island.ToDictionary(x => x.Key, x => _share[x.Key][t] * total[x.Value], StringComparer.Ordinal);
            foreach (var (_, (regression, present, own)) in chosen)
            {
                if (IslandRow(_plantArea, inputs, t, regression.Areas) is { } row)
                {
                    var y = regression.Predict(Extend(row, present, i => own[i]![t]));
                    for (var i = 0; i < y.Length; i++)
                    {
                        other[t][regression.Areas[i]] = y[i];
                    }
                }
            }
        }

        return inputs with { OtherMw = other };
    }
}

/// <summary>
/// One AC island's linear model of its areas' other generation (decision 0109): standardised regressors with a constant,
/// one coefficient vector per area, solved by ridge normal equations. Immutable.
/// </summary>
internal sealed class IslandRegression
{
    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[][] _theta;

    private IslandRegression(string[] areas, double[] mean, double[] scale, double[][] theta)
    {
        Areas = areas;
        _mean = mean;
        _scale = scale;
        _theta = theta;
    }

    /// <summary>The island's areas, in the order of the predictions.</summary>
    public string[] Areas { get; }

    public static IslandRegression Fit(string[] areas, List<double[]> xs, List<double[]> ys, double ridge)
    {
        if (xs.Count == 0)
        {
            throw new ArgumentException($"no complete half-hour to fit the island of {string.Join(", ", areas)} on.", nameof(xs));
        }

        var k = xs[0].Length;
        var mean = new double[k];
        var scale = new double[k];
        foreach (var x in xs)
        {
            for (var j = 0; j < k; j++)
            {
                mean[j] += x[j] / xs.Count;
            }
        }

        foreach (var x in xs)
        {
            for (var j = 0; j < k; j++)
            {
                scale[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / xs.Count;
            }
        }

        for (var j = 0; j < k; j++)
        {
            scale[j] = scale[j] > 1e-12 ? Math.Sqrt(scale[j]) : 1;
        }

        // z = [1, standardised x]; A = ZᵀZ + ridge·n·I (not on the constant), b = Zᵀy per area.
        var d = k + 1;
        var a = new double[d, d];
        var b = new double[areas.Length][];
        for (var i = 0; i < areas.Length; i++)
        {
            b[i] = new double[d];
        }

        var z = new double[d];
        for (var s = 0; s < xs.Count; s++)
        {
            Standardise(xs[s], mean, scale, z);
            for (var p = 0; p < d; p++)
            {
                for (var q = 0; q < d; q++)
                {
                    a[p, q] += z[p] * z[q];
                }

                for (var i = 0; i < areas.Length; i++)
                {
                    b[i][p] += z[p] * ys[s][i];
                }
            }
        }

        for (var p = 1; p < d; p++)
        {
            a[p, p] += ridge * xs.Count;
        }

        return new IslandRegression(areas, mean, scale, [.. b.Select(rhs => Solve(a, rhs))]);
    }

    /// <summary>Each area's other generation for the regressors <paramref name="x"/>, shifted to add up to x[0] (the island's).</summary>
    public double[] Predict(double[] x)
    {
        var z = new double[x.Length + 1];
        Standardise(x, _mean, _scale, z);
        var y = new double[Areas.Length];
        for (var i = 0; i < y.Length; i++)
        {
            for (var p = 0; p < z.Length; p++)
            {
                y[i] += _theta[i][p] * z[p];
            }
        }

        var shift = (x[0] - y.Sum()) / y.Length;
        for (var i = 0; i < y.Length; i++)
        {
            y[i] += shift;
        }

        return y;
    }

    private static void Standardise(double[] x, double[] mean, double[] scale, double[] z)
    {
        z[0] = 1;
        for (var j = 0; j < x.Length; j++)
        {
            z[j + 1] = (x[j] - mean[j]) / scale[j];
        }
    }

    private static double[] Solve(double[,] a, double[] rhs)
    {
        // Gaussian elimination with partial pivoting on a copy (d ≤ 9).
        var n = rhs.Length;
        var m = (double[,])a.Clone();
        var v = (double[])rhs.Clone();
        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (var j = 0; j < n; j++)
            {
                (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
            }

            (v[c], v[pivot]) = (v[pivot], v[c]);
            for (var r = c + 1; r < n; r++)
            {
                var f = m[r, c] / m[c, c];
                for (var j = c; j < n; j++)
                {
                    m[r, j] -= f * m[c, j];
                }

                v[r] -= f * v[c];
            }
        }

        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var s = v[r];
            for (var j = r + 1; j < n; j++)
            {
                s -= m[r, j] * x[j];
            }

            x[r] = s / m[r, r];
        }

        return x;
    }
}
