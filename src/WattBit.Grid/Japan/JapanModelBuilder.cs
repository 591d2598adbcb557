using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Grid.Network;
using WattBit.Sites;

namespace WattBit.Grid.Japan;

/// <summary>The source data of a build: OCCTO days, the gazetteer and the tie capacities.</summary>
/// <param name="Days">OCCTO days in date order (the line and plant lists are their union).</param>
/// <param name="Gazetteer">Station and plant coordinates and the OSM substations.</param>
/// <param name="TieCapacityMw">Interconnection capacity by "FROM-TO" area codes (either order), MW.</param>
public sealed record JapanModelSources(IReadOnlyList<OcctoDay> Days, JapanGazetteer Gazetteer, IReadOnlyDictionary<string, double> TieCapacityMw)
{
    /// <summary>
    /// Reads the sources from the shared data layout under <paramref name="japanDir"/> (<c>../shared/data/japan</c>):
    /// every <c>occto/dashboard-*.json</c>, the gazetteer files and <c>facts/interconnections.csv</c>.
    /// </summary>
    /// <exception cref="InputFormatException">A file is malformed (the message names it).</exception>
    public static JapanModelSources Load(string japanDir)
    {
        ArgumentNullException.ThrowIfNull(japanDir);
        var files = Directory.GetFiles(Path.Combine(japanDir, "occto"), "dashboard-*.json").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"no OCCTO day files (dashboard-*.json) in {Path.Combine(japanDir, "occto")}.");
        }

        var days = new OcctoDay[files.Length];
        Parallel.For(0, files.Length, i => days[i] = OcctoDay.Load(files[i]));
        return new JapanModelSources([.. days.OrderBy(d => d.Day)], JapanGazetteer.Load(japanDir), ReadCapacities(Path.Combine(japanDir, "facts", "interconnections.csv")));
    }

    /// <summary>Reads interconnections.csv (from,to,capacity_mw,kind,note).</summary>
    /// <exception cref="InputFormatException">A row has an unknown area or a capacity that is not a positive number.</exception>
    public static IReadOnlyDictionary<string, double> ReadCapacities(string path)
    {
        var t = CsvTable.ReadFile(path);
        int from = t.Require("from"), to = t.Require("to"), cap = t.Require("capacity_mw");
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var r in t.Rows)
        {
            if (!JapanAreas.TryFind(t.Field(r, from), out var a) || !JapanAreas.TryFind(t.Field(r, to), out var b))
            {
                throw t.Error(r, from, "from/to must be area codes.");
            }

            if (!double.TryParse(t.Field(r, cap), NumberStyles.Float, CultureInfo.InvariantCulture, out var mw) || !(mw > 0))
            {
                throw t.Error(r, cap, $"capacity_mw '{t.Field(r, cap)}' is not a positive number.");
            }

            result[a.Code + "-" + b.Code] = mw;
            result[b.Code + "-" + a.Code] = mw;
        }

        return result;
    }
}

/// <summary>
/// Builds the Japan backbone (decision 0100): buses for the stations that OCCTO's trunk lines name, matched by name to
/// coordinates; two circuits per line with impedance and rating from the voltage class and length; the AC ties as
/// branches and the HVDC/converter ties as links; generators at the units' plants; area load allocated to stations.
/// Deterministic: the same sources and parameters give the same model, byte for byte. Thread-safe (no state).
/// </summary>
public static class JapanModelBuilder
{
    private const double BaseMva = 100;

    private sealed class Station(string area, string key)
    {
        public string Area { get; } = area;
        public string Key { get; } = key;
        public string Display { get; set; } = key;
        public StationRefKind Kind { get; set; } = StationRefKind.Station;
        public List<string> Aliases { get; } = [];
        public double Kv { get; set; }
        public GeoPoint? Point { get; set; }
        public PlacementSource Placement { get; set; } = PlacementSource.Inferred;
        public List<Station> Neighbours { get; } = [];
        public string? Host { get; set; }
        public int Index { get; set; } = -1;
        public string Id => Area + ":" + Key;
    }

    private sealed record LineInfo(GridArea Area, string Name, double Kv, string Direction, Station? From, Station? To, double PeakMw, string? Problem);

    /// <summary>Builds the model.</summary>
    public static JapanBackbone Build(JapanModelSources sources, JapanModelParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(parameters);
        var p = parameters;
        var calibration = sources.Days.Where(d => p.IsCalibration(d.Day)).ToArray();
        if (calibration.Length == 0)
        {
            throw new ArgumentException("none of the OCCTO days given is a calibration day of the parameters.", nameof(parameters));
        }

        var stations = new Dictionary<(string, string), Station>();
        Station Get(GridArea area, StationRef r)
        {
            if (!stations.TryGetValue((area.Code, r.Key), out var s))
            {
                s = new Station(area.Code, r.Key) { Display = r.Display, Kind = r.Kind };
                stations[(area.Code, r.Key)] = s;
            }

            s.Host ??= r.Host;

            foreach (var a in r.Aliases.Where(a => !s.Aliases.Contains(a)))
            {
                s.Aliases.Add(a);
            }

            return s;
        }

        // 1. The union of the lines over all days, first appearance wins; peaks on calibration days.
        var catalog = new Dictionary<(string, string), (OcctoLine Line, double Kv, double Peak)>();
        foreach (var day in sources.Days)
        {
            foreach (var l in day.Lines)
            {
                var key = (l.Area.Code, l.Name);
                var peak = p.IsCalibration(day.Day) ? l.FlowMw.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max() : 0;
                catalog[key] = catalog.TryGetValue(key, out var old)
                    ? (old.Line, Math.Max(old.Kv, l.VoltageKv), Math.Max(old.Peak, peak))
                    : (l, l.VoltageKv, peak);
            }
        }

        var lines = new List<LineInfo>();
        foreach (var ((_, _), (line, kv, peak)) in catalog.OrderBy(e => e.Value.Line.Area.Number).ThenBy(e => e.Value.Line.Name, StringComparer.Ordinal))
        {
            if (!JapanStationNames.TrySplitDirection(line.PositiveDirection, out var a, out var b))
            {
                lines.Add(new LineInfo(line.Area, line.Name, kv, line.PositiveDirection, null, null, peak, $"positive direction '{line.PositiveDirection}' does not name two ends"));
                continue;
            }

            var from = Get(line.Area, JapanStationNames.ParseEnd(a, line.Name));
            var to = Get(line.Area, JapanStationNames.ParseEnd(b, line.Name));
            from.Kv = Math.Max(from.Kv, kv);
            to.Kv = Math.Max(to.Kv, kv);
            var problem = from == to ? $"both ends ('{a}', '{b}') are the same station after name matching" : null;
            lines.Add(new LineInfo(line.Area, line.Name, kv, line.PositiveDirection, from, to, peak, problem));
            if (problem is null)
            {
                from.Neighbours.Add(to);
                to.Neighbours.Add(from);
            }
        }

        // Tie stations: those the lines do not name are added (placed by the gazetteer).
        foreach (var route in JapanTies.Routes)
        {
            foreach (var (areaCode, name) in (ReadOnlySpan<(string, string)>)[(route.FromArea, route.FromStation), (route.ToArea, route.ToStation)])
            {
                JapanAreas.TryFind(areaCode, out var area);
                var s = Get(area!, new StationRef(name, JapanStationNames.Normalize(name), StationRefKind.Station, name, []));
                s.Kv = Math.Max(s.Kv, 275);
            }
        }

        // 2. Placement by name, then tees at their line's ends, then junctions at the centre of their neighbours.
        foreach (var s in stations.Values.Where(s => s.Kind == StationRefKind.Station))
        {
            if (sources.Gazetteer.TryFind(s.Area, s.Key, out var place) || s.Aliases.Any(a => sources.Gazetteer.TryFind(s.Area, a, out place)))
            {
                s.Point = place.Point;
                s.Placement = place.Source;
            }
        }

        foreach (var s in stations.Values.Where(s => s.Kind == StationRefKind.LineTee))
        {
            foreach (var l in lines.Where(l => l.Area.Code == s.Area && l.From is not null && JapanStationNames.Normalize(l.Name) == s.Key[1..]))
            {
                s.Neighbours.Add(l.From!);
                s.Neighbours.Add(l.To!);
            }
        }

        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var s in stations.Values.Where(s => s.Point is null).OrderBy(s => s.Id, StringComparer.Ordinal))
            {
                var placed = s.Neighbours.Where(n => n.Point is not null).Select(n => n.Point!.Value).ToArray();
                if (placed.Length > 0)
                {
                    s.Point = new GeoPoint(placed.Average(x => x.Latitude), placed.Average(x => x.Longitude));
                    changed = true;
                }
            }
        }

        var leftOut = new List<JapanLeftOut>();
        var kept = new List<LineInfo>();
        foreach (var l in lines)
        {
            var problem = l.Problem
                ?? (l.From!.Point is null ? $"end '{l.From.Display}' cannot be placed: no station of that name in {l.Area.NameJa} and no placed neighbour"
                : l.To!.Point is null ? $"end '{l.To.Display}' cannot be placed: no station of that name in {l.Area.NameJa} and no placed neighbour" : null);
            if (problem is null)
            {
                kept.Add(l);
            }
            else
            {
                leftOut.Add(new JapanLeftOut("line", l.Area.Code, l.Name, problem));
            }
        }

        // 3. Buses: the placed stations, by area then name.
        var used = stations.Values.Where(s => s.Point is not null && (kept.Any(l => l.From == s || l.To == s) || IsTieStation(s)))
            .OrderBy(s => Area(s.Area).Number).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
        for (var i = 0; i < used.Count; i++)
        {
            used[i].Index = i;
        }

        // 4. Branches: two circuits per line, AC tie routes, then equivalents joining each area's parts.
        var branchMeta = new List<JapanBranch>();
        var branches = new List<Branch>();
        double Length(Station a, Station b) => Math.Round(Math.Max(p.MinimumLengthKm, a.Point!.Value.DistanceKm(b.Point!.Value) * p.RouteFactor), 3);
        void AddCircuits(Station a, Station b, double kv, double lengthKm, double rating, JapanBranchKind kind, GridArea? area, string name, string direction,
            int circuits, double xFactor)
        {
            var zBase = kv * kv / BaseMva;
            var x = Math.Round(p.ReactancePerKm(kv) * xFactor * lengthKm / zBase, 7);
            var r = Math.Round(x / (kv >= 400 ? 12 : 8), 7);
            for (var c = 1; c <= circuits; c++)
            {
                var meta = new JapanBranch(kind, area, name, c, kv, direction, lengthKm);
                branches.Add(new Branch(a.Index, b.Index, r, x, 0, rating, rating, rating, 0, 0, true, 0, meta.DisplayName));
                branchMeta.Add(meta);
            }
        }

        // A tee that names the line it sits on (571T(西南多摩線), 山口幹線 as an end) splits that line (decision 0127): the
        // line runs from its first end to the tees (nearest first) and on to its second end. OCCTO's values are compared
        // with the segment at the line's second end (chosen on the calibration days: R² 0.8201 against 0.8195 with the
        // first end's); the other segments are named as OCCTO names a line split at a tee, 西南多摩線（西東京～571T）.
        var teesOf = used.Where(s => s.Host is not null && s.Kind != StationRefKind.Station)
            .GroupBy(s => (s.Area, s.Host!)).ToDictionary(g => g.Key, g => g.ToList());
        var fitLines = new List<JapanAllocationFit.FitLine>();
        foreach (var l in kept)
        {
            var rating = Math.Round(Math.Max(JapanModelParameters.CircuitRatingMw(l.Kv), p.RatingMargin * l.PeakMw));
            var tees = teesOf.GetValueOrDefault((l.Area.Code, JapanStationNames.Normalize(l.Name)))?.Where(t => t != l.From && t != l.To)
                .OrderBy(t => t.Point!.Value.DistanceKm(l.From!.Point!.Value)).ThenBy(t => t.Index).ToList() ?? [];
            var path = new List<Station> { l.From! };
            path.AddRange(tees);
            path.Add(l.To!);
            var measured = path.Count - 2;
            for (var k = 0; k + 1 < path.Count; k++)
            {
                var (a, b) = (path[k], path[k + 1]);
                if (k == measured)
                {
                    fitLines.Add(new JapanAllocationFit.FitLine(l.Area.Code, l.Name, [.. Enumerable.Range(branches.Count, p.CircuitsPerLine)], l.Direction));
                }

                static string Label(Station s) => s.Kind switch { StationRefKind.Junction => s.Key[1..], StationRefKind.LineTee => "分岐点", _ => s.Display };
                var name = k == measured ? l.Name : $"{l.Name}（{Label(a)}～{Label(b)}）";
                AddCircuits(a, b, l.Kv, Length(a, b), rating, JapanBranchKind.Line, l.Area, name, k == measured ? l.Direction : $"{a.Display} → {b.Display}", p.CircuitsPerLine, 1);
            }
        }

        var links = new List<JapanLink>();
        foreach (var route in JapanTies.Routes)
        {
            var a = stations[(route.FromArea, JapanStationNames.Normalize(route.FromStation))];
            var b = stations[(route.ToArea, JapanStationNames.Normalize(route.ToStation))];
            if (a.Index < 0 || b.Index < 0)
            {
                leftOut.Add(new JapanLeftOut("tie", string.Empty, route.OcctoName, $"tie station '{(a.Index < 0 ? a.Display : b.Display)}' cannot be placed"));
                continue;
            }

            var total = sources.TieCapacityMw.TryGetValue(route.FromArea + "-" + route.ToArea, out var cap) ? cap : route.CapacityMw;
            var routes = JapanTies.Routes.Count(x => x.OcctoName == route.OcctoName);
            if (route.Kind == TieKind.Ac)
            {
                var rating = Math.Round(total / routes);
                AddCircuits(a, b, 500, Length(a, b), rating, JapanBranchKind.Tie, null, route.OcctoName, $"{a.Display} → {b.Display}", p.CircuitsPerLine, 1);
            }
            else
            {
                links.Add(new JapanLink(route.OcctoName, route.Kind, a.Index, b.Index, route.Share, Math.Round(total * route.Share)));
            }
        }

        var equivalents = JoinParts(used, branches, p);
        foreach (var (a, b) in equivalents)
        {
            AddCircuits(a, b, 275, Length(a, b), 0, JapanBranchKind.Equivalent, Area(a.Area), $"equivalent {a.Display}–{b.Display}", string.Empty, 1, p.EquivalentFactor);
            branchMeta[^1] = branchMeta[^1] with { PositiveDirection = $"{a.Display} → {b.Display}" };
        }

        // 5. Generators at plants: the station of the same name, else the nearest bus of the area.
        var plants = new SortedDictionary<(int, string), (GridArea Area, string Plant)>();
        foreach (var day in sources.Days)
        {
            foreach (var u in day.Units)
            {
                var name = JapanStationNames.PlantName(u.Plant);
                plants.TryAdd((u.Area.Number, name), (u.Area, name));
            }
        }

        var peakByPlant = new Dictionary<(string, string), double>();
        foreach (var day in calibration)
        {
            var sum = new Dictionary<(string, string), double[]>();
            foreach (var u in day.Units)
            {
                var k = (u.Area.Code, JapanStationNames.PlantName(u.Plant));
                if (!sum.TryGetValue(k, out var v))
                {
                    sum[k] = v = new double[OcctoDay.Slots];
                }

                for (var t = 0; t < OcctoDay.Slots; t++)
                {
                    v[t] += double.IsFinite(u.OutputMw[t]) ? u.OutputMw[t] : 0;
                }
            }

            foreach (var (k, v) in sum)
            {
                peakByPlant[k] = Math.Max(peakByPlant.GetValueOrDefault(k), v.Max());
            }
        }

        var topKv = used.GroupBy(s => s.Area).ToDictionary(g => g.Key, g => g.Max(s => s.Kv), StringComparer.Ordinal);
        var genBus = new List<(int Bus, JapanPlant Plant)>();
        var candidates = new List<int[]>();
        foreach (var (area, plant) in plants.Values)
        {
            var key = JapanStationNames.Normalize(plant);
            var bus = ((string[])[key, key + "火力", key.EndsWith("火力", StringComparison.Ordinal) ? key[..^2] : key])
                .Select(v => stations.GetValueOrDefault((area.Code, v))).FirstOrDefault(s => s is { Index: >= 0 });
            int[] options = bus is null ? [] : [bus.Index];
            if (bus is null && sources.Gazetteer.TryFindPlant(area.Code, key, out var place))
            {
                var large = peakByPlant.GetValueOrDefault((area.Code, plant)) >= p.LargePlantMw;
                bus = used.Where(s => s.Area == area.Code && s.Kind == StationRefKind.Station && (!large || s.Kv >= topKv[area.Code]))
                    .MinBy(s => s.Point!.Value.DistanceKm(place.Point));
                var prior = bus;
                options = [.. ((IEnumerable<Station>)[bus!]).Concat(used.Where(s => s.Area == area.Code && s.Kind == StationRefKind.Station && s != prior)
                    .OrderBy(s => s.Point!.Value.DistanceKm(place.Point)).ThenBy(s => s.Index).Take(Math.Max(0, p.PlantCandidates - 1))).Select(s => s.Index)];
            }

            if (bus is null)
            {
                leftOut.Add(new JapanLeftOut("plant", area.Code, plant, "no station or coordinates found by name: its output stays in the area's net load"));
                continue;
            }

            genBus.Add((bus.Index, new JapanPlant(area, plant)));
            candidates.Add(options);
        }

        // Mean outputs, demands and tie flows over the calibration days: the base case of japan.m.
        var plantMean = new double[genBus.Count];
        var plantMax = new double[genBus.Count];
        var plantIndex = genBus.Select((g, i) => (g, i)).ToDictionary(x => (x.g.Plant.Area.Code, x.g.Plant.Plant), x => x.i);
        var areaDemand = new Dictionary<string, double>(StringComparer.Ordinal);
        var areaOther = new Dictionary<string, double>(StringComparer.Ordinal);
        var linkFlow = new double[links.Count];
        var samples = (double)(OcctoDay.Slots * calibration.Length);
        foreach (var day in calibration)
        {
            var inputs = JapanReplay.AreaInputs(day, plantIndex, genBus.Count, links);
            for (var t = 0; t < OcctoDay.Slots; t++)
            {
                for (var g = 0; g < genBus.Count; g++)
                {
                    plantMean[g] += inputs.PlantMw[t][g] / samples;
                    plantMax[g] = Math.Max(plantMax[g], inputs.PlantMw[t][g]);
                }

                foreach (var (code, v) in inputs.DemandMw[t].Where(x => double.IsFinite(x.Value)))
                {
                    areaDemand[code] = areaDemand.GetValueOrDefault(code) + (v / samples);
                }

                foreach (var (code, v) in inputs.OtherMw[t].Where(x => double.IsFinite(x.Value)))
                {
                    areaOther[code] = areaOther.GetValueOrDefault(code) + (v / samples);
                }

                for (var k = 0; k < links.Count; k++)
                {
                    linkFlow[k] += inputs.LinkMw[t][k] / samples;
                }
            }
        }

        // 6. Load shares: each OSM substation of the area counts for its nearest station bus; blended with equal shares.
        var shares = new double[used.Count];
        var otherShares = new double[used.Count];
        foreach (var group in used.Where(s => s.Kind == StationRefKind.Station && !JapanStationNames.IsPlant(s.Display) && !JapanStationNames.IsPlant(s.Key)).GroupBy(s => s.Area))
        {
            var members = group.ToArray();
            var counts = new double[members.Length];
            var points = sources.Gazetteer.Substations.GetValueOrDefault(group.Key) ?? [];
            foreach (var pt in points)
            {
                var best = 0;
                var bestD = double.PositiveInfinity;
                for (var i = 0; i < members.Length; i++)
                {
                    var d = members[i].Point!.Value.DistanceKm(pt);
                    if (d < bestD)
                    {
                        bestD = d;
                        best = i;
                    }
                }

                counts[best]++;
            }

            var total = counts.Sum();
            for (var i = 0; i < members.Length; i++)
            {
                var byCount = total > 0 ? counts[i] / total : 1.0 / members.Length;
                shares[members[i].Index] = Math.Round((p.LoadUniformShare / members.Length) + ((1 - p.LoadUniformShare) * byCount), 8);
                otherShares[members[i].Index] = Math.Round((p.OtherUniformShare / members.Length) + ((1 - p.OtherUniformShare) * byCount), 8);
            }
        }

        // 6a. OCCTO's sign on lines radial to a plant (decision 0105): the flow can only leave the plant, so a line whose
        // observed values run against the plant's output on the calibration days has its values reversed to its label.
        var reversed = OcctoSigns(fitLines, branches, used.Count, genBus, candidates, calibration, plantIndex, links);
        for (var i = 0; i < fitLines.Count; i++)
        {
            if (reversed.Contains(i))
            {
                fitLines[i] = fitLines[i] with { OcctoSign = -1 };
                foreach (var c in fitLines[i].Circuits)
                {
                    branchMeta[c] = branchMeta[c] with { OcctoSign = -1 };
                }
            }
        }

        // 6b. The allocation fit on the calibration days (decision 0104): shares and plant buses.
        if (p.FitAllocation)
        {
            var fit = JapanAllocationFit.Fit(new JapanAllocationFit.FitInput(branches, used.Count, [.. used.Select(s => s.Area)], shares, otherShares,
                [.. candidates], fitLines, calibration, plantIndex, links, p.AllocationRidge, p.FitIterations));
            for (var i = 0; i < used.Count; i++)
            {
                shares[i] = Math.Round(fit.LoadShare[i], 8);
                otherShares[i] = Math.Round(fit.OtherShare[i], 8);
            }

            for (var g = 0; g < genBus.Count; g++)
            {
                genBus[g] = (fit.PlantBus[g], genBus[g].Plant);
            }
        }

        // 7. The network. One reference bus per AC island: its largest plant.
        var pd = new double[used.Count];
        for (var i = 0; i < used.Count; i++)
        {
            pd[i] = (shares[i] * areaDemand.GetValueOrDefault(used[i].Area)) - (otherShares[i] * areaOther.GetValueOrDefault(used[i].Area));
        }

        for (var k = 0; k < links.Count; k++)
        {
            pd[links[k].FromBus] += linkFlow[k];
            pd[links[k].ToBus] -= linkFlow[k];
        }

        var genAt = genBus.Select(g => g.Bus).ToHashSet();
        var refs = ReferenceBuses(used.Count, branches, genBus.Select((g, i) => (g.Bus, plantMax[i])).ToList());
        var buses = used.Select((s, i) => new Bus(1000 * Area(s.Area).Number + 1 + i - used.FindIndex(x => x.Area == s.Area),
            refs.Contains(i) ? BusType.Reference : genAt.Contains(i) ? BusType.Generator : BusType.Load,
            Math.Round(pd[i], 3), 0, 0, 0, Area(s.Area).Number, 0, s.Kv, s.Display)).ToList();
        var gens = genBus.Select((g, i) => new Generator(g.Bus, Math.Round(plantMean[i], 3), true, Math.Round(plantMax[i], 3), 0)).ToList();
        var net = new PowerNetwork("japan", BaseMva, buses, gens, branches);
        var busMeta = used.Select((s, i) => new JapanBus(buses[i].Number, s.Id, s.Display, Area(s.Area), s.Kv,
            new GeoPoint(Math.Round(s.Point!.Value.Latitude, 6), Math.Round(s.Point!.Value.Longitude, 6)), s.Placement, shares[i], otherShares[i]));
        foreach (var day in sources.Days)
        {
            foreach (var t in day.Ties.Where(t => !JapanTies.Routes.Any(r => r.OcctoName == t.Name) && !leftOut.Any(x => x.Name == t.Name)))
            {
                leftOut.Add(new JapanLeftOut("tie", string.Empty, t.Name, "an aggregate of several ties (a fence), not one tie: compared through its ties"));
            }
        }

        var areaBases = used.Select(s => s.Area).Distinct().Select(Area).OrderBy(a => a.Number)
            .Select(a => new JapanAreaBase(a, Math.Round(areaDemand.GetValueOrDefault(a.Code), 3), Math.Round(areaOther.GetValueOrDefault(a.Code), 3)));
        return new JapanBackbone(net, busMeta, branchMeta, genBus.Select(g => g.Plant), links, leftOut, areaBases);
    }

    /// <summary>
    /// The lines (indexes into <paramref name="fitLines"/>) radial to a plant whose station an OCCTO line names, whose
    /// observed values on the calibration days run against the plant's output: Σ (observed in the branch direction ×
    /// plant output × +1 when the plant is the from-end, −1 when the to-end) &lt; 0.
    /// </summary>
    private static HashSet<int> OcctoSigns(List<JapanAllocationFit.FitLine> fitLines, List<Branch> branches, int busCount,
        List<(int Bus, JapanPlant Plant)> genBus, List<int[]> candidates, OcctoDay[] calibration, Dictionary<(string, string), int> plantIndex, List<JapanLink> links)
    {
        var lineOf = new int[branches.Count];
        Array.Fill(lineOf, -1);
        for (var i = 0; i < fitLines.Count; i++)
        {
            foreach (var c in fitLines[i].Circuits)
            {
                lineOf[c] = i;
            }
        }

        var touching = new List<int>[busCount];
        for (var b = 0; b < busCount; b++)
        {
            touching[b] = [];
        }

        for (var c = 0; c < branches.Count; c++)
        {
            // A branch that is no OCCTO line (a tie, an equivalent) counts as a line of its own.
            var id = lineOf[c] >= 0 ? lineOf[c] : -1 - c;
            touching[branches[c].From].Add(id);
            touching[branches[c].To].Add(id);
        }

        var fixedPlants = Enumerable.Range(0, genBus.Count).Where(g => candidates[g].Length == 1).GroupBy(g => genBus[g].Bus).ToDictionary(x => x.Key, x => x.ToArray());
        var inputs = calibration.Select(d => (Day: d, Inputs: JapanReplay.AreaInputs(d, plantIndex, genBus.Count, links))).ToArray();
        var result = new HashSet<int>();
        for (var i = 0; i < fitLines.Count; i++)
        {
            var first = branches[fitLines[i].Circuits[0]];
            foreach (var (bus, expected) in (ReadOnlySpan<(int, double)>)[(first.From, 1.0), (first.To, -1.0)])
            {
                if (touching[bus].Distinct().Count() != 1 || !fixedPlants.TryGetValue(bus, out var gens))
                {
                    continue;
                }

                var acc = 0.0;
                foreach (var (day, input) in inputs)
                {
                    var line = day.Lines.FirstOrDefault(l => l.Area.Code == fitLines[i].AreaCode && l.Name == fitLines[i].Name);
                    if (line is null)
                    {
                        continue;
                    }

                    var s = JapanReplay.Orientation(fitLines[i].Direction, line.PositiveDirection);
                    for (var t = 0; t < OcctoDay.Slots; t++)
                    {
                        if (double.IsFinite(line.FlowMw[t]))
                        {
                            acc += s * JapanOcctoErrata.Sign(line.Area.Code, line.Name, day.Day, t) * line.FlowMw[t] * expected * gens.Sum(g => input.PlantMw[t][g]);
                        }
                    }
                }

                if (acc < 0)
                {
                    result.Add(i);
                }
            }
        }

        return result;
    }

    private static bool IsTieStation(Station s) => JapanTies.Routes.Any(r =>
        (r.FromArea == s.Area && JapanStationNames.Normalize(r.FromStation) == s.Key) || (r.ToArea == s.Area && JapanStationNames.Normalize(r.ToStation) == s.Key));

    private static GridArea Area(string code) => JapanAreas.TryFind(code, out var a) ? a : throw new ArgumentException($"unknown area {code}.", nameof(code));

    /// <summary>Joins every part of an area that its lines leave apart to the area's largest part (nearest pair).</summary>
    private static List<(Station, Station)> JoinParts(List<Station> buses, List<Branch> branches, JapanModelParameters p)
    {
        _ = p;
        var parent = Enumerable.Range(0, buses.Count).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        foreach (var br in branches)
        {
            if (buses[br.From].Area == buses[br.To].Area)
            {
                parent[Find(br.From)] = Find(br.To);
            }
        }

        var result = new List<(Station, Station)>();
        foreach (var area in buses.GroupBy(b => b.Area))
        {
            while (true)
            {
                var parts = area.GroupBy(b => Find(b.Index)).OrderByDescending(g => g.Count()).ThenBy(g => g.Min(b => b.Index)).ToArray();
                if (parts.Length <= 1)
                {
                    break;
                }

                var main = parts[0].ToArray();
                var part = parts[1].ToArray();
                (Station A, Station B, double D) best = (part[0], main[0], double.PositiveInfinity);
                foreach (var a in part)
                {
                    foreach (var b in main)
                    {
                        var d = a.Point!.Value.DistanceKm(b.Point!.Value);
                        if (d < best.D)
                        {
                            best = (a, b, d);
                        }
                    }
                }

                result.Add((best.A, best.B));
                parent[Find(best.A.Index)] = Find(best.B.Index);
            }
        }

        return result;
    }

    private static HashSet<int> ReferenceBuses(int n, List<Branch> branches, List<(int Bus, double Mw)> gens)
    {
        var parent = Enumerable.Range(0, n).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        foreach (var br in branches)
        {
            parent[Find(br.From)] = Find(br.To);
        }

        return gens.GroupBy(g => Find(g.Bus)).Select(g => g.OrderByDescending(x => x.Mw).ThenBy(x => x.Bus).First().Bus).ToHashSet();
    }
}
