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

        return ModelHeadroomLayer.Compute(model.Network, nodes, Profile(model, demandMw), ModelName, synthetic: true, profileLabel,
            b => model.Branches[b].DisplayName, maxParallelism: maxParallelism, following: Following);
    }
}
