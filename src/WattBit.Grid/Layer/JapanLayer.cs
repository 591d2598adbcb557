using System.Collections.Immutable;
using WattBit.Grid.Japan;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;

namespace WattBit.Grid.Layer;

/// <summary>
/// The default headroom layer: the Japan backbone model (<see cref="JapanBackbone.LoadDefault"/>) with one substation
/// per bus (its id, Japanese name, area, kV and coordinates) and OCCTO line names as limiting lines.
/// </summary>
public static class JapanLayer
{
    /// <summary>The model label shown on every face.</summary>
    public const string ModelName = "japan-backbone";

    /// <summary>
    /// How the backbone's plants follow the demand: in proportion to their room between the calibration days' mean and
    /// largest output (decision 0108), so no plant runs past what it was seen to produce while the demand allows.
    /// </summary>
    public const GenerationFollowing Following = GenerationFollowing.Room;

    /// <summary>The substations of the backbone, one per bus.</summary>
    public static IReadOnlyList<LayerNode> Nodes(JapanBackbone model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. model.Buses.Select(b => new LayerNode(new Substation(b.SubstationId, b.Name, b.Area, b.VoltageKv, b.Location), b.Number))];
    }

    /// <summary>
    /// The hourly profile that scales the model's load to a national demand: demand_scale(t) = demand(t) / the demand the
    /// base case stands for (<see cref="JapanBackbone.BaseDemandMw"/>, the calibration days' mean): every load, and with it
    /// the generation outside the listed units, scaled alike; no solar term.
    /// </summary>
    /// <param name="model">The backbone.</param>
    /// <param name="demandMw">Demand of the modelled areas together, MW, hourly (a 30-min series is averaged to hours).</param>
    /// <exception cref="ArgumentException">A missing value, a step that does not divide an hour, or a model without its base demand.</exception>
    public static GridProfile Profile(JapanBackbone model, WattBit.Time.TimeSeries demandMw)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(demandMw);
        var hourly = demandMw.Step == TimeSpan.FromHours(1) ? demandMw : demandMw.Resample(TimeSpan.FromHours(1));
        if (hourly.HasMissing)
        {
            throw new ArgumentException($"the demand series {hourly.Name} has missing hours; the headroom layer needs every hour.", nameof(demandMw));
        }

        // The base case's loads stand for the calibration days' mean demand net of the generation outside the listed
        // units; dividing the demand by their sum (the net load) would run every hour as if that generation were absent
        // and push the units far past their observed range (decision 0107).
        var total = model.BaseDemandMw;
        if (!double.IsFinite(total) || total <= 0)
        {
            throw new ArgumentException("the backbone does not state the demand its base case stands for (japan-areas.csv).", nameof(model));
        }

        var times = Enumerable.Range(0, hourly.Count).Select(hourly.TimeAt).ToArray();
        return new GridProfile(times, [.. hourly.Values.ToArray().Select(v => v / total)], new double[hourly.Count]);
    }

    /// <summary>
    /// What drives the hours when one area has its own demand (decision 0123): the loads of the other areas scale together
    /// by their demand over what their base stands for (demand_scale, as <see cref="Profile"/>), the loads of
    /// <paramref name="realArea"/> by its own demand over its base. The engine carries two load patterns — the profile's
    /// demand_scale over every bus's Pd and its second column over per-bus MW — so the real area rides on the second:
    /// per unit −Pd at its buses, and their sum spread over the plants of its AC island by their room Pmax − Pg, times
    /// real_scale(t) − demand_scale(t). The area's loads are then Pd × real_scale(t) exactly, every other load
    /// Pd × demand_scale(t); the plants follow demand_scale by their room as in <see cref="Profile"/> and the area's own
    /// departure from it inside its island.
    /// </summary>
    /// <param name="model">The backbone (with its area bases, <c>japan-areas.csv</c>).</param>
    /// <param name="otherAreasDemandMw">Demand of the modelled areas other than <paramref name="realArea"/> together, MW (hourly, or
    /// half-hourly averaged to hours).</param>
    /// <param name="realArea">The area code whose loads follow <paramref name="realDemandMw"/> (for example TK).</param>
    /// <param name="realDemandMw">That area's demand, MW, over the same hours.</param>
    /// <exception cref="ArgumentException">A missing value, series that do not cover the same hours, an area the model has no
    /// buses or base for, or a model without its area bases.</exception>
    public static JapanLayerDrive Drive(JapanBackbone model, WattBit.Time.TimeSeries otherAreasDemandMw, string realArea, WattBit.Time.TimeSeries realDemandMw)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(otherAreasDemandMw);
        ArgumentNullException.ThrowIfNull(realArea);
        ArgumentNullException.ThrowIfNull(realDemandMw);
        var other = Hourly(otherAreasDemandMw, nameof(otherAreasDemandMw));
        var real = Hourly(realDemandMw, nameof(realDemandMw));
        if (other.Start != real.Start || other.Count != real.Count)
        {
            throw new ArgumentException($"the demand of {realArea} ({real.Window}) and of the other areas ({other.Window}) must cover the same hours.", nameof(realDemandMw));
        }

        var otherBase = model.AreaBases.Where(a => a.Area.Code != realArea).Sum(a => a.DemandMw);
        if (!(otherBase > 0))
        {
            throw new ArgumentException($"the backbone does not state the demand its base case stands for in the areas other than {realArea} (japan-areas.csv).", nameof(realArea));
        }

        return AreaDrive(model, [.. other.Values.ToArray().Select(v => v / otherBase)], Enumerable.Range(0, other.Count).Select(other.TimeAt).ToArray(), realArea, real);
    }

    /// <summary>
    /// The drive of one area on its own demand over the demand_scale <paramref name="ds"/> of the areas that follow the
    /// common scale (decision 0123).
    /// </summary>
    private static JapanLayerDrive AreaDrive(JapanBackbone model, double[] ds, DateTimeOffset[] times, string realArea, WattBit.Time.TimeSeries real)
    {
        var realBase = model.AreaBases.FirstOrDefault(a => a.Area.Code == realArea)?.DemandMw ?? double.NaN;
        if (!double.IsFinite(realBase) || realBase <= 0)
        {
            throw new ArgumentException($"the backbone does not state the demand its base case stands for in {realArea} (japan-areas.csv).", nameof(realArea));
        }

        // The area's loads move by −Pd per unit; the plants of its AC island (the ones that can carry the change) follow it
        // by their room Pmax − Pg. The vector adds up to zero, so the engine's own following (over every plant) is left to
        // the other areas' demand_scale and the two channels never shift generation into an island whose load did not move.
        var net = model.Network;
        var island = JapanReplay.Islands(model);
        var perBus = new double[model.Buses.Length];
        double areaPd = 0;
        for (var i = 0; i < perBus.Length; i++)
        {
            if (model.Buses[i].Area.Code == realArea)
            {
                perBus[i] = -net.Buses[i].Pd;
                areaPd += net.Buses[i].Pd;
            }
        }

        if (areaPd == 0)
        {
            throw new ArgumentException($"the backbone has no load in area {realArea}.", nameof(realArea));
        }

        var root = island[realArea];
        var room = new double[perBus.Length];
        double sumRoom = 0;
        foreach (var g in net.Generators)
        {
            if (g.InService && g.Pg > 0 && island[model.Buses[g.BusIndex].Area.Code] == root)
            {
                var r = Math.Max(0, g.Pmax - g.Pg);
                room[g.BusIndex] += r;
                sumRoom += r;
            }
        }

        if (!(sumRoom > 0))
        {
            throw new ArgumentException($"no plant of the AC island of {realArea} has room to follow its demand.", nameof(realArea));
        }

        for (var i = 0; i < perBus.Length; i++)
        {
            perBus[i] += areaPd * room[i] / sumRoom;
        }

        var rs = real.Values.ToArray().Select(v => v / realBase).ToArray();
        return new JapanLayerDrive(new GridProfile(times, ds, [.. rs.Zip(ds, (r, d) => r - d)]), [.. perBus], [realArea]);
    }

    /// <summary>
    /// Several areas on their own demand at once (decision 0126), each in its own AC island (Tokyo in the 50 Hz island,
    /// Chubu in the 60 Hz one): the loads of the areas not in <paramref name="realDemandMw"/> scale together by their
    /// demand over what their base stands for (demand_scale, and the plants follow it by their room, nationally); each
    /// real area's loads by its own demand over its base, its departure from demand_scale met by the plants of its own
    /// island (as <see cref="Drive(JapanBackbone, WattBit.Time.TimeSeries, string, WattBit.Time.TimeSeries)"/>). The flows of
    /// an island then depend on demand_scale and on its own real area only, so one drive per real area (its area on the
    /// engine's second channel, the other real areas left on demand_scale) gives the exact hours of the substations of
    /// that area's island; the substations of islands without a real area take those of the first drive.
    /// </summary>
    /// <param name="model">The backbone.</param>
    /// <param name="otherAreasDemandMw">Demand of the modelled areas not in <paramref name="realDemandMw"/> together, MW.</param>
    /// <param name="realDemandMw">Per area code, that area's own demand over the same hours, MW (at least one).</param>
    /// <exception cref="ArgumentException">No real area, two real areas in one AC island, series of other hours, or what
    /// <see cref="Drive(JapanBackbone, WattBit.Time.TimeSeries, string, WattBit.Time.TimeSeries)"/> refuses.</exception>
    public static JapanLayerDrives Drives(JapanBackbone model, WattBit.Time.TimeSeries otherAreasDemandMw, IReadOnlyDictionary<string, WattBit.Time.TimeSeries> realDemandMw)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(otherAreasDemandMw);
        ArgumentNullException.ThrowIfNull(realDemandMw);
        if (realDemandMw.Count == 0)
        {
            throw new ArgumentException("at least one area on its own demand is needed; with none use the national drive.", nameof(realDemandMw));
        }

        var island = JapanReplay.Islands(model);
        var codes = realDemandMw.Keys.Order(StringComparer.Ordinal).ToArray();
        if (codes.FirstOrDefault(c => !island.ContainsKey(c)) is { } unknown)
        {
            throw new ArgumentException($"'{unknown}' is not an area of the backbone.", nameof(realDemandMw));
        }

        if (codes.GroupBy(c => island[c]).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            throw new ArgumentException($"{string.Join(" and ", shared)} are in one AC island: the engine carries one area of its own per island.", nameof(realDemandMw));
        }

        var other = Hourly(otherAreasDemandMw, nameof(otherAreasDemandMw));
        var otherBase = model.AreaBases.Where(a => !realDemandMw.ContainsKey(a.Area.Code)).Sum(a => a.DemandMw);
        if (!(otherBase > 0))
        {
            throw new ArgumentException($"the backbone does not state the demand its base case stands for in the areas other than {string.Join(", ", codes)} (japan-areas.csv).", nameof(realDemandMw));
        }

        var times = Enumerable.Range(0, other.Count).Select(other.TimeAt).ToArray();
        var ds = other.Values.ToArray().Select(v => v / otherBase).ToArray();
        var drives = new List<JapanLayerDrive>();
        foreach (var code in codes)
        {
            var real = Hourly(realDemandMw[code], nameof(realDemandMw));
            if (real.Start != other.Start || real.Count != other.Count)
            {
                throw new ArgumentException($"the demand of {code} ({real.Window}) and of the other areas ({other.Window}) must cover the same hours.", nameof(realDemandMw));
            }

            drives.Add(AreaDrive(model, ds, times, code, real));
        }

        var busDrive = model.Buses.Select(b => Math.Max(0, Array.FindIndex(codes, c => island[c] == island[b.Area.Code]))).ToImmutableArray();
        return new JapanLayerDrives(drives, busDrive, codes);
    }

    /// <summary>
    /// The backbone's layer over a window as every host composes it (decision 0126): the areas in <paramref name="realAreas"/>
    /// (each one's own hourly demand over the window, and where it came from) on their own demand, every other area on
    /// <paramref name="referenceDemand"/> (the demand of the areas it is given, over the same hours); with no real area,
    /// the national drive of <see cref="Profile"/>. The label says which areas are real and what the others follow.
    /// </summary>
    /// <param name="model">The backbone.</param>
    /// <param name="referenceDemand">The reference demand of a set of areas together, hourly over the window.</param>
    /// <param name="referenceLabel">What the reference is (for example "reference year FY2025 (seed 1)").</param>
    /// <param name="realAreas">The real areas (code, demand, source label); at most one per AC island.</param>
    /// <param name="substationIds">Only these substations (default all buses).</param>
    /// <param name="maxParallelism">Worker threads; default all cores.</param>
    /// <param name="loadsBeside">Per substation id, flat loads at other substations (id, MW) in the base case when its headroom is computed
    /// (decision 0210); substations not listed: none.</param>
    /// <param name="lineFactors">Keep the limiting lines' flow per MW added (<see cref="WattBit.Headroom.HeadroomHour.LineFactor"/>, decision 0226); default false.</param>
    /// <param name="belowZero">Give the headroom below 0 where it is 0 and name the line that sets it (<see cref="ModelHeadroomLayer.Compute"/>, decision 0234); default false.</param>
    /// <exception cref="UnknownSubstationException">A substation of <paramref name="loadsBeside"/> is not a bus of the backbone.</exception>
    public static JapanLayerComposition Compose(JapanBackbone model, Func<IReadOnlyCollection<WattBit.Areas.GridArea>, WattBit.Time.TimeSeries> referenceDemand,
        string referenceLabel, IReadOnlyList<(string Code, WattBit.Time.TimeSeries DemandMw, string Source)> realAreas, IReadOnlyCollection<string>? substationIds = null,
        int maxParallelism = -1, IReadOnlyDictionary<string, IReadOnlyList<(string SubstationId, double Mw)>>? loadsBeside = null,
        bool lineFactors = false, bool belowZero = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(referenceDemand);
        ArgumentNullException.ThrowIfNull(realAreas);
        var areas = model.Buses.Select(b => b.Area).Distinct().ToArray();
        var real = realAreas.Where(r => areas.Any(a => a.Code == r.Code)).ToArray();
        if (real.Length == 0)
        {
            var demand = referenceDemand(areas);
            var label = referenceLabel + ", demand of the modelled areas";
            var drive = Drive(model, demand);
            return new JapanLayerComposition(Compute(model, drive, label, substationIds, maxParallelism, loadsBeside, lineFactors, belowZero), drive, null, label);
        }

        var others = referenceDemand([.. areas.Where(a => !real.Any(r => r.Code == a.Code))]);
        var drives = Drives(model, others, real.ToDictionary(r => r.Code, r => r.DemandMw, StringComparer.Ordinal));
        var realLabel = string.Join("; ", real.OrderBy(r => r.Code, StringComparer.Ordinal).Select(r => r.Source)) + "; other areas: " + referenceLabel;
        return new JapanLayerComposition(Compute(model, drives, realLabel, substationIds, maxParallelism, loadsBeside, lineFactors, belowZero), drives.Drives[0], drives, realLabel);
    }

    /// <summary>Computes the layer of several areas on their own demand (<see cref="Drives"/>): each substation's hours from the drive of its island.</summary>
    /// <param name="model">The backbone.</param>
    /// <param name="drives">What drives the hours.</param>
    /// <param name="profileLabel">What the demand is; it should say which areas are real.</param>
    /// <param name="substationIds">Only these substations (default all buses).</param>
    /// <param name="maxParallelism">Worker threads; default all cores.</param>
    /// <param name="loadsBeside">Per substation id, flat loads at other substations (id, MW) in the base case when its headroom is computed
    /// (decision 0210); substations not listed: none.</param>
    /// <param name="lineFactors">Keep the limiting lines' flow per MW added (<see cref="WattBit.Headroom.HeadroomHour.LineFactor"/>, decision 0226); default false.</param>
    /// <param name="belowZero">Give the headroom below 0 where it is 0 and name the line that sets it (<see cref="ModelHeadroomLayer.Compute"/>, decision 0234); default false.</param>
    /// <exception cref="UnknownSubstationException">An id of <paramref name="substationIds"/> or <paramref name="loadsBeside"/> is not a bus of the backbone.</exception>
    public static ModelHeadroomLayer Compute(JapanBackbone model, JapanLayerDrives drives, string profileLabel, IReadOnlyCollection<string>? substationIds = null,
        int maxParallelism = -1, IReadOnlyDictionary<string, IReadOnlyList<(string SubstationId, double Mw)>>? loadsBeside = null,
        bool lineFactors = false, bool belowZero = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(drives);
        var nodes = Select(model, substationIds);
        var busIndex = Enumerable.Range(0, model.Buses.Length).ToDictionary(i => model.Buses[i].Number, i => i);
        var parts = new List<ModelHeadroomLayer>();
        for (var d = 0; d < drives.Drives.Count; d++)
        {
            var mine = nodes.Where(n => drives.BusDrive[busIndex[n.BusNumber]] == d).ToList();
            if (mine.Count > 0)
            {
                parts.Add(ModelHeadroomLayer.Compute(model.Network, mine, drives.Drives[d].Profile, ModelName, synthetic: true, profileLabel,
                    b => model.Branches[b].DisplayName, maxParallelism: maxParallelism, following: Following, perBusMw: drives.Drives[d].PerBusMw,
                    loadsBeside: Beside(model, loadsBeside), lineFactors: lineFactors, belowZero: belowZero));
            }
        }

        if (parts.Count == 1)
        {
            return parts[0];
        }

        return ModelHeadroomLayer.Join(parts[0].Info, parts, [.. nodes.Select(n => n.Substation.Id)]);
    }

    /// <summary>The national drive of <see cref="Profile"/> as a <see cref="JapanLayerDrive"/> (no area of its own).</summary>
    /// <param name="model">The backbone.</param>
    /// <param name="demandMw">Demand of the modelled areas together, MW.</param>
    public static JapanLayerDrive Drive(JapanBackbone model, WattBit.Time.TimeSeries demandMw) =>
        new(Profile(model, demandMw), [.. new double[model?.Buses.Length ?? throw new ArgumentNullException(nameof(model))]], []);

    private static WattBit.Time.TimeSeries Hourly(WattBit.Time.TimeSeries series, string name)
    {
        var hourly = series.Step == TimeSpan.FromHours(1) ? series : series.Resample(TimeSpan.FromHours(1));
        return hourly.HasMissing
            ? throw new ArgumentException($"the demand series {hourly.Name} has missing hours; the headroom layer needs every hour.", name)
            : hourly;
    }

    /// <summary>Computes the layer of the backbone over the hours of a drive (<see cref="Drive(JapanBackbone, WattBit.Time.TimeSeries, string, WattBit.Time.TimeSeries)"/>).</summary>
    /// <param name="model">The backbone.</param>
    /// <param name="drive">What drives the hours.</param>
    /// <param name="profileLabel">What the demand is; it should say which areas are real (for example "TK: TSO actuals FY2025; other areas: reference year").</param>
    /// <param name="substationIds">Only these substations (default all buses).</param>
    /// <param name="maxParallelism">Worker threads; default all cores.</param>
    /// <param name="loadsBeside">Per substation id, flat loads at other substations (id, MW) in the base case when its headroom is computed
    /// (decision 0210); substations not listed: none.</param>
    /// <param name="lineFactors">Keep the limiting lines' flow per MW added (<see cref="WattBit.Headroom.HeadroomHour.LineFactor"/>, decision 0226); default false.</param>
    /// <param name="belowZero">Give the headroom below 0 where it is 0 and name the line that sets it (<see cref="ModelHeadroomLayer.Compute"/>, decision 0234); default false.</param>
    /// <exception cref="UnknownSubstationException">An id of <paramref name="substationIds"/> or <paramref name="loadsBeside"/> is not a bus of the backbone.</exception>
    public static ModelHeadroomLayer Compute(JapanBackbone model, JapanLayerDrive drive, string profileLabel, IReadOnlyCollection<string>? substationIds = null,
        int maxParallelism = -1, IReadOnlyDictionary<string, IReadOnlyList<(string SubstationId, double Mw)>>? loadsBeside = null,
        bool lineFactors = false, bool belowZero = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(drive);
        return ModelHeadroomLayer.Compute(model.Network, Select(model, substationIds), drive.Profile, ModelName, synthetic: true, profileLabel,
            b => model.Branches[b].DisplayName, maxParallelism: maxParallelism, following: Following, perBusMw: drive.PerBusMw, loadsBeside: Beside(model, loadsBeside), lineFactors: lineFactors, belowZero: belowZero);
    }

    // Loads beside a node by substation id, as the engine's bus numbers.
    private static Func<LayerNode, IReadOnlyList<(int BusNumber, double Mw)>>? Beside(JapanBackbone model,
        IReadOnlyDictionary<string, IReadOnlyList<(string SubstationId, double Mw)>>? loadsBeside)
    {
        if (loadsBeside is null || loadsBeside.Count == 0)
        {
            return null;
        }

        var number = model.Buses.ToDictionary(b => b.SubstationId, b => b.Number, StringComparer.Ordinal);
        return node => loadsBeside.TryGetValue(node.Substation.Id, out var loads)
            ? [.. loads.Select(l => (number.TryGetValue(l.SubstationId, out var n) ? n : throw new UnknownSubstationException(l.SubstationId), l.Mw))]
            : [];
    }

    private static IReadOnlyList<LayerNode> Select(JapanBackbone model, IReadOnlyCollection<string>? substationIds)
    {
        var nodes = Nodes(model);
        if (substationIds is not null)
        {
            var known = nodes.Select(n => n.Substation.Id).ToHashSet(StringComparer.Ordinal);
            if (substationIds.FirstOrDefault(id => !known.Contains(id)) is { } unknown)
            {
                throw new UnknownSubstationException(unknown);
            }

            nodes = [.. nodes.Where(n => substationIds.Contains(n.Substation.Id))];
        }

        return nodes;
    }

    /// <summary>Computes the layer of the backbone over the hours of <paramref name="demandMw"/>.</summary>
    /// <param name="model">The backbone (normally <see cref="JapanBackbone.LoadDefault"/>).</param>
    /// <param name="demandMw">Demand of the modelled areas together, MW.</param>
    /// <param name="profileLabel">What the demand is (for example "reference year FY2025").</param>
    /// <param name="substationIds">Only these substations (default all buses).</param>
    /// <param name="maxParallelism">Worker threads; default all cores.</param>
    /// <exception cref="UnknownSubstationException">An id of <paramref name="substationIds"/> is not a bus of the backbone.</exception>
    public static ModelHeadroomLayer Compute(JapanBackbone model, WattBit.Time.TimeSeries demandMw, string profileLabel, IReadOnlyCollection<string>? substationIds = null,
        int maxParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ModelHeadroomLayer.Compute(model.Network, Select(model, substationIds), Profile(model, demandMw), ModelName, synthetic: true, profileLabel,
            b => model.Branches[b].DisplayName, maxParallelism: maxParallelism, following: Following);
    }
}

/// <summary>
/// What drives the backbone layer's hours: the profile (demand_scale over every bus's Pd, and a second column) and the MW
/// per bus per unit of the second column (the engine's solar channel; here −Pd at the buses of the area with its own
/// demand and the same MW spread over its island's plants, decision 0123). Immutable.
/// </summary>
/// <param name="Profile">The hourly profile.</param>
/// <param name="PerBusMw">MW injected per unit of the profile's second column, per bus in network order.</param>
/// <param name="RealAreas">The area codes whose loads follow their own demand (empty: every load follows one scale).</param>
public sealed record JapanLayerDrive(GridProfile Profile, ImmutableArray<double> PerBusMw, IReadOnlyList<string> RealAreas);

/// <summary>
/// What drives the backbone layer's hours when several areas follow their own demand (decision 0126): one drive per real
/// area (its area on the engine's second channel) and, per bus in network order, the drive whose hours are exact there
/// (the one of its AC island's real area; the first for an island without one). Immutable.
/// </summary>
/// <param name="Drives">One drive per real area, in the order of <paramref name="RealAreas"/>.</param>
/// <param name="BusDrive">Per bus, the index of its drive.</param>
/// <param name="RealAreas">The area codes on their own demand.</param>
public sealed record JapanLayerDrives(IReadOnlyList<JapanLayerDrive> Drives, ImmutableArray<int> BusDrive, IReadOnlyList<string> RealAreas);

/// <summary>A composed backbone layer (<see cref="JapanLayer.Compose"/>) and what drove it. Immutable.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Drive">The national drive, or with real areas the first real area's drive (what <c>--grid-profile-out</c> writes).</param>
/// <param name="Drives">With real areas, every drive and the drive of each bus; null for the national drive.</param>
/// <param name="Label">What drove the hours.</param>
public sealed record JapanLayerComposition(ModelHeadroomLayer Layer, JapanLayerDrive Drive, JapanLayerDrives? Drives, string Label)
{
    /// <summary>The drive whose hours are exact at a bus (0-based, network order).</summary>
    public JapanLayerDrive DriveAt(int bus) => Drives is null ? Drive : Drives.Drives[Drives.BusDrive[bus]];
}
