using System.Globalization;
using WattBit.Areas;
using WattBit.Data.Reference;
using WattBit.Formats;
using WattBit.Grid.Japan;
using WattBit.Grid.Layer;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;
using WattBit.Simulation.Roadmap;

namespace WattBit.Composition;

/// <summary>
/// A roadmap (decisions 0178, 0184) on the Japan backbone: one headroom layer per year over the base fiscal year, on the
/// backbone with each area's loads grown by the roadmap's demand growth and each AC tie's ratings scaled to its capacity
/// that year; OCCTO's ties (with their changes) for the moves between areas. With the roadmap's grid loads (decision 0210)
/// each cluster's flat load is put at its substation and each substation's room computed beside the other substations'
/// loads; the ties' own flows carry them too. Years whose grid and loads are the same share one layer. Stateless.
/// </summary>
public static class BackboneRoadmap
{
    /// <summary>Runs the roadmap study on the backbone.</summary>
    /// <param name="roadmap">The roadmap.</param>
    /// <param name="substations">Each cluster's substation id of the backbone, in file order.</param>
    /// <param name="japanDir">The Japan data folder with the TSO actuals (areas covering the whole base year run on their own demand); null: the reference year everywhere.</param>
    /// <param name="progress">Called after each year's layer with the year and whether it was computed (false: shared with an earlier year).</param>
    /// <exception cref="ArgumentException">A tie change names no OCCTO tie of the backbone.</exception>
    public static RoadmapResult Run(RoadmapScenario roadmap, IReadOnlyList<string> substations, string? japanDir, Action<int, bool>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(roadmap);
        ArgumentNullException.ThrowIfNull(substations);
        var ties = JapanTies.AreaTies();
        if (roadmap.Ties.FirstOrDefault(t => !ties.Any(x => x.Name == t.Tie)) is { } unknown)
        {
            throw new ArgumentException($"tie_changes (line {unknown.Line}): '{unknown.Tie}' is not an OCCTO tie of the backbone (known: {string.Join(", ", ties.Select(t => t.Name))}).",
                nameof(roadmap));
        }

        var model = JapanBackbone.LoadDefault();
        var year = ReferenceYear.Generate(roadmap.FiscalYear, roadmap.Seed);
        var window = year.Window;
        var real = japanDir is null ? [] : BackboneLayers.RealAreas(model, window, japanDir);
        var ids = substations.Distinct(StringComparer.Ordinal).ToList();
        var areaCodes = model.Buses.Select(b => b.Area.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var cache = new Dictionary<string, (IHeadroomLayer Layer, IReadOnlyDictionary<string, double[]> Flows)>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, double[]> flows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var hourIndex = roadmap.Weeks.SelectMany(w => Enumerable.Range((int)Math.Round((w - window.Start).TotalHours), 168)).ToArray();
        var baseLabel = $"reference year FY{roadmap.FiscalYear} (seed {roadmap.Seed})";
        var busOf = model.Buses.Select((b, i) => (b.SubstationId, i)).ToDictionary(p => p.SubstationId, p => p.i, StringComparer.Ordinal);
        IHeadroomLayer LayerOf(int y, IReadOnlyList<double> inGrid)
        {
            // The clusters' loads in the grid, summed per substation; each substation computed beside the others'.
            var atSub = ids.ToDictionary(id => id, id => Enumerable.Range(0, substations.Count).Where(c => substations[c] == id).Sum(c => inGrid[c]), StringComparer.Ordinal);
            var beside = atSub.Values.Any(v => v > 0)
                ? ids.ToDictionary(id => id, id => (IReadOnlyList<(string SubstationId, double Mw)>)[.. atSub.Where(p => p.Key != id && p.Value > 0).Select(p => (p.Key, p.Value))],
                    StringComparer.Ordinal)
                : null;
            var factors = areaCodes.ToDictionary(a => a, a => roadmap.Growth.Factor(a, roadmap.FiscalYear, y), StringComparer.Ordinal);
            var acTies = JapanTies.Routes.Where(r => r.Kind == TieKind.Ac).Select(r => r.OcctoName).Distinct(StringComparer.Ordinal)
                .Select(name => (Name: name, Factor: roadmap.TieCapacityMw(name, ties.First(t => t.Name == name).CapacityMw, y) / ties.First(t => t.Name == name).CapacityMw))
                .Where(t => t.Factor != 1).ToArray();
            var lines = roadmap.Reinforcements.Where(r => r.IsLine && r.FromYear <= y).ToArray();
            var key = string.Join(";", factors.Select(f => f.Key + "=" + f.Value.ToString("R", CultureInfo.InvariantCulture)))
                + "|" + lines.Length.ToString(CultureInfo.InvariantCulture)
                + "|" + string.Join(";", acTies.Select(t => t.Name + "=" + t.Factor.ToString("R", CultureInfo.InvariantCulture)))
                + "|" + string.Join(";", atSub.Select(p => p.Key + "=" + p.Value.ToString("R", CultureInfo.InvariantCulture)));
            if (cache.TryGetValue(key, out var known))
            {
                flows = known.Flows;
                progress?.Invoke(y, false);
                return known.Layer;
            }

            var grown = JapanGridChanges.Apply(model, factors, acTies.ToDictionary(t => t.Name, t => t.Factor, StringComparer.Ordinal));
            if (lines.Length > 0)
            {
                // The line reinforcements in service (decision 0226): the year's network changed by the grid engine's what-if records.
                var changes = LineChanges(roadmap, y, grown, "the roadmap");
                grown = JapanGridChanges.WithLines(grown, [.. changes.Select(c => (c.Change, c.Row.LineName ?? $"new line {c.Row.FromSubstation}–{c.Row.ToSubstation}"))]);
            }

            var label = baseLabel + (roadmap.Growth.Grows ? FormattableString.Invariant($", each area's demand grown to {y} by the roadmap's rates") : "")
                + (acTies.Length > 0 ? ", " + string.Join(", ", acTies.Select(t => FormattableString.Invariant($"{t.Name} ×{t.Factor:0.##}"))) : "")
                + (beside is null ? "" : ", the clusters' loads in the grid")
                + (lines.Length > 0 ? FormattableString.Invariant($", {lines.Length} line reinforcement{(lines.Length == 1 ? "" : "s")} in service") : "");
            var composition = JapanLayer.Compose(grown, areas => year.TotalDemandHourly(areas).Slice(window), label,
                [.. real.Select(r => (r.AreaCode, r.DemandMw, r.Source))], ids, loadsBeside: beside, lineFactors: true, belowZero: true);
            var layer = composition.Layer;
            flows = roadmap.Moves ? TieFlows(grown, composition, ties, hourIndex, [.. atSub.Where(p => p.Value > 0).Select(p => (busOf[p.Key], p.Value))]) : flows;
            cache[key] = (layer, flows);
            progress?.Invoke(y, true);
            return layer;
        }

        // The converters and HVDC links, fixed set-points in the backbone: their own flows as OCCTO observed them (decision 0211).
        var observed = roadmap.Moves && roadmap.ObservedConverterFlows ? ObservedFlows(japanDir, ties, hourIndex) : [];
        return RoadmapStudy.Run(roadmap, LayerOf, substations, ties,
            _ => observed.Count == 0 ? flows : flows.Concat(observed.Where(o => !flows.ContainsKey(o.Key))).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            [.. observed.Keys]);
    }

    /// <summary>
    /// The converters' and HVDC links' own flows over the hours studied, from OCCTO's observed days in the Japan data folder's
    /// <c>occto</c> (dashboard-*.json): each tie's mean by JST hour of day, signed from the tie's From area (decision 0211). Empty
    /// without the folder; a tie whose observed direction names neither of its areas is left out (it keeps the tie share).
    /// </summary>
    private static Dictionary<string, double[]> ObservedFlows(string? japanDir, IReadOnlyList<AreaTie> ties, int[] hours)
    {
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var dir = japanDir is null ? null : Path.Combine(japanDir, "occto");
        if (dir is null || !Directory.Exists(dir))
        {
            return result;
        }

        var files = Directory.GetFiles(dir, "dashboard-*.json").Order(StringComparer.Ordinal).ToArray();
        var profiles = OcctoTieFlows.ByHourOfDay(files.Select(OcctoDay.Load));
        var fixedSetPoints = JapanTies.Routes.Where(r => r.Kind != TieKind.Ac).Select(r => r.OcctoName).ToHashSet(StringComparer.Ordinal);
        foreach (var tie in ties.Where(t => fixedSetPoints.Contains(t.Name)))
        {
            if (!profiles.TryGetValue(tie.Name, out var p))
            {
                continue;
            }

            var sign = p.From?.Code == tie.From.Code || p.To?.Code == tie.To.Code ? 1.0
                : p.From?.Code == tie.To.Code || p.To?.Code == tie.From.Code ? -1.0
                : 0;
            if (sign != 0)
            {
                result[tie.Name] = [.. hours.Select(h => sign * p.MeanMw[h % 24])];
            }
        }

        return result;
    }

    /// <summary>
    /// The AC ties' own flows in the model, hour by hour over the given hours of the composition's window (per OCCTO name, MW,
    /// positive from the tie's From area: the sum over its circuits). Converters and HVDC links are fixed set-points in the
    /// backbone, so they have none here.
    /// </summary>
    private static Dictionary<string, double[]> TieFlows(JapanBackbone model, JapanLayerComposition composition, IReadOnlyList<AreaTie> ties, int[] hours,
        IReadOnlyList<(int Bus, double Mw)> flatLoads)
    {
        var dc = new DcModel(model.Network);
        var flat = FlatLoadFlows(dc, flatLoads);
        var series = new Dictionary<JapanLayerDrive, NetworkTimeSeries>(ReferenceEqualityComparer.Instance);
        var flows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var tie in ties)
        {
            var sum = new double[hours.Length];
            var any = false;
            for (var l = 0; l < model.Branches.Length; l++)
            {
                if (model.Branches[l].Kind != JapanBranchKind.Tie || model.Branches[l].OcctoName != tie.Name)
                {
                    continue;
                }

                var from = model.Network.Branches[l].From;
                var drive = composition.DriveAt(from);
                if (!series.TryGetValue(drive, out var ts))
                {
                    series[drive] = ts = new NetworkTimeSeries(dc, drive.Profile, drive.PerBusMw, JapanLayer.Following);
                }

                var sign = model.Buses[from].Area.Code == tie.From.Code ? 1 : -1;
                for (var i = 0; i < hours.Length; i++)
                {
                    sum[i] += sign * (ts.Flow(l, hours[i]) + flat[l]);
                }

                any = true;
            }

            if (any)
            {
                flows[tie.Name] = sum;
            }
        }

        return flows;
    }

    /// <summary>
    /// The flows of flat loads at buses, each met by the plants of its AC island in proportion to their output (the headroom
    /// engine's distributed balancing, so the ties see the clusters as the layer does).
    /// </summary>
    private static double[] FlatLoadFlows(DcModel dc, IReadOnlyList<(int Bus, double Mw)> loads)
    {
        var flows = new double[dc.BranchCount];
        if (loads.Count == 0)
        {
            return flows;
        }

        var p = new double[dc.BusCount];
        var gens = dc.Network.Generators.Where(g => g.InService && g.Pg > 0).ToArray();
        foreach (var (bus, mw) in loads)
        {
            var island = dc.Topology.IslandOf(bus);
            var mine = gens.Where(g => dc.Topology.IslandOf(g.BusIndex) == island).ToArray();
            var total = mine.Sum(g => g.Pg);
            if (!(total > 0))
            {
                continue;
            }

            p[bus] -= mw;
            foreach (var g in mine)
            {
                p[g.BusIndex] += mw * g.Pg / total;
            }
        }

        dc.Solve(p, flows, includePhaseShifts: false);
        return flows;
    }

    /// <summary>
    /// Each cluster's substation of the backbone, in file order: the one it names, else the nearest within the roadmap's
    /// <see cref="RoadmapScenario.MaxKm"/>; and every tie change checked against the backbone's OCCTO ties.
    /// </summary>
    /// <param name="roadmap">The roadmap.</param>
    /// <param name="source">The file's name, for errors.</param>
    /// <exception cref="ArgumentException">A named substation the backbone does not have, no substation near enough (naming the
    /// file, the cluster and its line), or a tie change naming no tie of the backbone.</exception>
    public static IReadOnlyList<string> Substations(RoadmapScenario roadmap, string source)
    {
        ArgumentNullException.ThrowIfNull(roadmap);
        var nodes = JapanLayer.Nodes(JapanBackbone.LoadDefault()).Select(n => n.Substation).ToList();
        var ids = new List<string>();
        foreach (var c in roadmap.Clusters)
        {
            if (c.Substation is { } named)
            {
                ids.Add(nodes.Exists(n => n.Id == named) ? named
                    : throw new ArgumentException($"{source}: cluster '{c.Id}' (line {c.Line}): '{named}' is not a substation of the headroom layer ({JapanLayer.ModelName}).", nameof(roadmap)));
                continue;
            }

            try
            {
                ids.Add(HeadroomLayers.Nearest(nodes, c.Location, roadmap.MaxKm, JapanLayer.ModelName).Substation.Id);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{source}: cluster '{c.Id}' (line {c.Line}): {e.Message} Name its substation, or raise roadmap.max_km.", nameof(roadmap), e);
            }
        }

        _ = LineChanges(roadmap, int.MaxValue, JapanBackbone.LoadDefault(), source);
        var ties = Ties();
        if (roadmap.Ties.FirstOrDefault(t => !ties.Any(x => x.Name == t.Tie)) is { } unknown)
        {
            throw new ArgumentException(FormattableString.Invariant($"{source}:{unknown.Line}: tie_changes: '{unknown.Tie}' is not an OCCTO tie of the backbone (known: {string.Join(", ", ties.Select(t => t.Name))})."),
                nameof(roadmap));
        }

        return ids;
    }

    // The roadmap's line reinforcements in service in year y on the backbone: lines by the names the layer shows, new lines between
    // its substations with the model's reactance per km of their voltage class.
    private static IReadOnlyList<(WattBit.Grid.Headroom.NetworkChange Change, RoadmapReinforcement Row)> LineChanges(RoadmapScenario roadmap, int year,
        JapanBackbone model, string source)
    {
        var busOf = model.Buses.Select((b, i) => (b.SubstationId, i)).ToDictionary(p => p.SubstationId, p => p.i, StringComparer.Ordinal);
        return RoadmapLines.Changes(roadmap, year, model.Network, b => model.Branches[b].DisplayName, id => busOf.TryGetValue(id, out var i) ? i : null,
            (kv, km) => JapanModelParameters.Default.ReactancePerKm(kv) * km / (kv * kv / model.Network.BaseMva), source);
    }

    /// <summary>The OCCTO ties of the backbone at their base capacities (what a roadmap's tie changes name).</summary>
    public static IReadOnlyList<AreaTie> Ties() => JapanTies.AreaTies();
}
