using WattBit.Data.Reference;
using WattBit.Grid.Headroom;
using WattBit.Grid.Japan;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;

namespace WattBit.Server.Tests;

/// <summary>
/// The independent path of the consistency tests: the backbone as written to japan.m and read back, driven by the
/// reference year's demand of its areas over [from, to), solved by the engine as `wattbit grid headroom japan.m --profile` does.
/// </summary>
internal static class ExportedModelEngine
{
    public static (JapanBackbone Backbone, IReadOnlyList<DateTimeOffset> Times, Dictionary<string, BusHeadroom> Hours) Run(DateTimeOffset from, DateTimeOffset to, params string[] ids) =>
        Run(from, to, null, ids);

    /// <summary>The same on the exported model changed by <paramref name="change"/> (rebuilt from scratch: the what-if oracle).</summary>
    public static (JapanBackbone Backbone, IReadOnlyList<DateTimeOffset> Times, Dictionary<string, BusHeadroom> Hours) Run(DateTimeOffset from, DateTimeOffset to,
        NetworkChange? change, params string[] ids)
    {
        var (backbone, net, times, engine) = Engine(from, to, change);
        var result = new Dictionary<string, BusHeadroom>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var h = new BusHeadroom(times.Count);
            engine.Compute(net.BusIndex(backbone.Buses.Single(b => b.SubstationId == id).Number), h);
            result[id] = h;
        }

        return (backbone, times, result);
    }

    /// <summary>The engine itself on the exported model (changed by <paramref name="change"/>, if given) over [from, to).</summary>
    public static (JapanBackbone Backbone, PowerNetwork Network, IReadOnlyList<DateTimeOffset> Times, HeadroomEngine Engine) Engine(DateTimeOffset from, DateTimeOffset to,
        NetworkChange? change = null)
    {
        var dir = Directory.CreateTempSubdirectory("wattbit-layer-").FullName;
        try
        {
            var backbone = JapanBackbone.LoadDefault();
            backbone.WriteTo(dir);
            var net = MatpowerCase.Load(Path.Combine(dir, "japan.m"));
            net = change?.Apply(net) ?? net;
            var jst = from.ToOffset(WattBit.Time.Jst.Offset);
            var fy = jst.Month >= 4 ? jst.Year : jst.Year - 1;
            var demand = ReferenceYear.Generate(fy, 1).TotalDemandHourly(backbone.Buses.Select(b => b.Area).Distinct()).Slice(new(from, to));
            // The loads stand for the demand of japan-areas.csv (the calibration days' mean), decision 0107.
            var baseDemand = File.ReadAllLines(Path.Combine(dir, "japan-areas.csv")).Skip(1)
                .Sum(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture));
            var times = Enumerable.Range(0, demand.Count).Select(demand.TimeAt).ToArray();
            var profile = new GridProfile(times, [.. demand.Values.ToArray().Select(v => v / baseDemand)], new double[demand.Count]);
            var dc = new DcModel(net);
            var engine = new HeadroomEngine(Sensitivities.Build(dc), new NetworkTimeSeries(dc, profile, following: GenerationFollowing.Room));
            return (backbone, net, times, engine);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
