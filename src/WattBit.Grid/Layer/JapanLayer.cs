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

        var realBase = model.AreaBases.FirstOrDefault(a => a.Area.Code == realArea)?.DemandMw ?? double.NaN;
        var otherBase = model.AreaBases.Where(a => a.Area.Code != realArea).Sum(a => a.DemandMw);
        if (!double.IsFinite(realBase) || realBase <= 0 || !(otherBase > 0))
        {
            throw new ArgumentException($"the backbone does not state the demand its base case stands for in {realArea} and the other areas (japan-areas.csv).", nameof(realArea));
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

        var times = Enumerable.Range(0, other.Count).Select(other.TimeAt).ToArray();
        var ds = other.Values.ToArray().Select(v => v / otherBase).ToArray();
        var rs = real.Values.ToArray().Select(v => v / realBase).ToArray();
        return new JapanLayerDrive(new GridProfile(times, ds, [.. rs.Zip(ds, (r, d) => r - d)]), [.. perBus], [realArea]);
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
    /// <exception cref="UnknownSubstationException">An id of <paramref name="substationIds"/> is not a bus of the backbone.</exception>
    public static ModelHeadroomLayer Compute(JapanBackbone model, JapanLayerDrive drive, string profileLabel, IReadOnlyCollection<string>? substationIds = null,
        int maxParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(drive);
        return ModelHeadroomLayer.Compute(model.Network, Select(model, substationIds), drive.Profile, ModelName, synthetic: true, profileLabel,
            b => model.Branches[b].DisplayName, maxParallelism: maxParallelism, following: Following, perBusMw: drive.PerBusMw);
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
