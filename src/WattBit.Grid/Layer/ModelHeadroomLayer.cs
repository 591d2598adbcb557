using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Grid.Layer;

/// <summary>A substation of the layer and the bus of the model it sits at.</summary>
/// <param name="Substation">The substation.</param>
/// <param name="BusNumber">Its bus number in the model.</param>
public sealed record LayerNode(Substation Substation, int BusNumber);

/// <summary>
/// The headroom layer computed by the grid engine: every node's N-0/N-1 headroom and limiting line, precomputed for
/// every hour of an hourly profile and held in flat arrays, so a query is a lookup (no power flow per request).
/// Immutable and thread-safe.
/// </summary>
public sealed class ModelHeadroomLayer : IHeadroomLayer
{
    private readonly FrozenDictionary<string, int> _index;
    private readonly ImmutableArray<Substation> _substations;
    private readonly int _hours;
    private readonly double[] _n0;
    private readonly double[] _n1;
    private readonly int[] _line;
    private readonly int[] _lineN0;
    private readonly int[] _contingency;
    private readonly ImmutableArray<string> _lineNames;
    private readonly double[]? _factor;
    private readonly double[]? _factorN0;
    private readonly double[]? _signedN0;
    private readonly double[]? _signed;

    private ModelHeadroomLayer(HeadroomLayerInfo info, ImmutableArray<Substation> substations, double[] n0, double[] n1, int[] line, int[] lineN0, int[] contingency,
        ImmutableArray<string> lineNames, double[]? factor = null, double[]? factorN0 = null, double[]? signedN0 = null, double[]? signed = null)
    {
        _signedN0 = signedN0;
        _signed = signed;
        _factor = factor;
        _factorN0 = factorN0;
        Info = info;
        _substations = substations;
        _hours = info.Hours;
        _n0 = n0;
        _n1 = n1;
        _line = line;
        _lineN0 = lineN0;
        _contingency = contingency;
        _lineNames = lineNames;
        _index = substations.Select((s, i) => (s.Id, i)).ToFrozenDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public HeadroomLayerInfo Info { get; }

    /// <inheritdoc />
    public IReadOnlyList<Substation> Substations => _substations;

    /// <summary>
    /// Computes the layer: the exact N-0 and N-1 headroom (distributed balancing, engine defaults) of every node for
    /// every hour of <paramref name="profile"/>.
    /// </summary>
    /// <param name="network">The model.</param>
    /// <param name="nodes">The substations and their buses (each bus at most once, ids unique).</param>
    /// <param name="profile">An hourly profile (a half-hourly one is refused: the layer is hourly).</param>
    /// <param name="model">The model's label (for example the case file name).</param>
    /// <param name="synthetic">Whether the model is synthetic.</param>
    /// <param name="profileLabel">What drives the hours.</param>
    /// <param name="lineName">The name of a branch (0-based index) shown as limiting line; default "branch N (from-to)".</param>
    /// <param name="options">Engine options; default N-1, distributed balancing.</param>
    /// <param name="maxParallelism">Worker threads; default all cores.</param>
    /// <param name="following">How the generators follow the load (default as formats.md §2).</param>
    /// <param name="perBusMw">MW injected per bus per unit of the profile's solar_pu (PV capacity; default none).</param>
    /// <param name="loadsBeside">Per node, flat loads (bus number, MW) put into the base case at every hour when that node's headroom
    /// is computed (decision 0210: the other clusters of a roadmap), balanced as the engine balances an added load; null or
    /// empty for a node: none. Each node with loads costs its own sweep.</param>
    /// <param name="lineFactors">Keep, for every hour, the limiting lines' flow per MW added at the node (<see cref="HeadroomHour.LineFactor"/>,
    /// decision 0226; 16 bytes more per node and hour); default false (NaN).</param>
    /// <param name="belowZero">In the hours where a node's headroom is 0, give it below 0 and name the line that sets it
    /// (<see cref="HeadroomHour.SecureSignedMw"/>, <see cref="HeadroomHour.N0SignedMw"/>, <see cref="HeadroomEngine.ComputeBelowZero"/>, decision 0234);
    /// the limiting lines, contingencies and factors of those hours are then the ones that set it. Default false: the lowest-index line at 0 is named
    /// and the signed values are NaN.</param>
    /// <exception cref="ArgumentException">No node, a duplicate id or bus, an unknown bus, or a profile that is not hourly.</exception>
    public static ModelHeadroomLayer Compute(PowerNetwork network, IReadOnlyList<LayerNode> nodes, GridProfile profile, string model, bool synthetic,
        string profileLabel, Func<int, string>? lineName = null, HeadroomOptions? options = null, int maxParallelism = -1,
        GenerationFollowing following = GenerationFollowing.Output, IReadOnlyList<double>? perBusMw = null,
        Func<LayerNode, IReadOnlyList<(int BusNumber, double Mw)>>? loadsBeside = null, bool lineFactors = false, bool belowZero = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(profile);
        if (nodes.Count == 0)
        {
            throw new ArgumentException("the headroom layer needs at least one substation.", nameof(nodes));
        }

        if (profile.Count > 1 && profile.Step != TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"the headroom layer is hourly: the profile's step is {profile.Step}, not 1 hour.", nameof(profile));
        }

        var buses = new int[nodes.Count];
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var seenBuses = new HashSet<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (!seenIds.Add(n.Substation.Id))
            {
                throw new ArgumentException($"substation id '{n.Substation.Id}' appears twice.", nameof(nodes));
            }

            if (!network.TryGetBusIndex(n.BusNumber, out buses[i]))
            {
                throw new ArgumentException($"substation '{n.Substation.Id}': bus {n.BusNumber} is not a bus of {network.Name}.", nameof(nodes));
            }

            if (!seenBuses.Add(n.BusNumber))
            {
                throw new ArgumentException($"bus {n.BusNumber} is given to two substations.", nameof(nodes));
            }
        }

        var dc = new DcModel(network);
        var engine = new HeadroomEngine(Sensitivities.Build(dc), new NetworkTimeSeries(dc, profile, perBusMw, following), options);
        var hours = profile.Count;
        var n0 = new double[nodes.Count * hours];
        var n1 = new double[nodes.Count * hours];
        var line = new int[nodes.Count * hours];
        var lineN0 = new int[nodes.Count * hours];
        var contingency = new int[nodes.Count * hours];
        var factor = lineFactors ? new double[nodes.Count * hours] : null;
        var factorN0 = lineFactors ? new double[nodes.Count * hours] : null;
        var signedN0 = belowZero ? new double[nodes.Count * hours] : null;
        var signed = belowZero ? new double[nodes.Count * hours] : null;
        void Keep(int row, BusHeadroom h, HeadroomEngine own)
        {
            var o = row * hours;
            for (var t = 0; t < hours; t++)
            {
                n0[o + t] = h.N0Mw[t];
                n1[o + t] = h.N1Mw[t];
                var n1Known = !double.IsNaN(h.N1Mw[t]);
                line[o + t] = n1Known ? h.N1Branch[t] : h.N0Branch[t];
                lineN0[o + t] = h.N0Branch[t];
                contingency[o + t] = n1Known ? h.N1Contingency[t] : -1;
            }

            if (belowZero)
            {
                // The node's own engine (with its loads beside): the hours at 0 get the line that sets the headroom below 0.
                var s = own.ComputeBelowZero(buses[row], h);
                Array.Copy(s.N0Mw, 0, signedN0!, o, hours);
                Array.Copy(s.SecureMw, 0, signed!, o, hours);
                for (var t = 0; t < hours; t++)
                {
                    lineN0[o + t] = s.N0Branch[t];
                    line[o + t] = s.SecureBranch[t];
                    contingency[o + t] = s.SecureContingency[t];
                }
            }

            if (factor is not null)
            {
                Factors(engine, buses[row], o, hours, line, contingency, factor);
                Factors(engine, buses[row], o, hours, lineN0, null, factorN0!);
            }
        }

        var beside = nodes.Select(n => loadsBeside?.Invoke(n) ?? []).ToArray();
        var plain = Enumerable.Range(0, nodes.Count).Where(i => beside[i].Count == 0).ToArray();
        var k = 0;
        if (plain.Length > 0)
        {
            HeadroomRunner.Run(engine, [.. plain.Select(i => buses[i])], h => Keep(plain[k++], h, engine), maxParallelism: maxParallelism);
        }

        var loaded = Enumerable.Range(0, nodes.Count).Where(i => beside[i].Count > 0).ToArray();
        var results = loaded.Select(_ => new BusHeadroom(hours)).ToArray();
        var engines = loaded.Select(i => engine.WithFlatLoads([.. beside[i].Select(x => network.TryGetBusIndex(x.BusNumber, out var b)
            ? (b, x.Mw)
            : throw new ArgumentException($"substation '{nodes[i].Substation.Id}': a load beside it is at bus {x.BusNumber}, not a bus of {network.Name}.", nameof(loadsBeside)))]))
            .ToArray();
        Parallel.For(0, loaded.Length, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount },
            j => engines[j].Compute(buses[loaded[j]], results[j]));
        for (var j = 0; j < loaded.Length; j++)
        {
            Keep(loaded[j], results[j], engines[j]);
        }

        lineName ??= b => DefaultLineName(network, b);
        var names = Enumerable.Range(0, network.Branches.Length).Select(lineName).ToImmutableArray();
        var info = new HeadroomLayerInfo(model, synthetic, profileLabel, profile.Timestamps[0], hours);
        return new ModelHeadroomLayer(info, [.. nodes.Select(n => n.Substation)], n0, n1, line, lineN0, contingency, names, factor, factorN0, signedN0, signed);
    }

    // The limiting line's flow per MW added at the bus in each hour (decision 0226): |β_l| with everything in service, |β_l + LODF[l,c]·β_c|
    // after the outage of c (the engine's own post-contingency sensitivity; flat loads beside do not change it). NaN where no line limits.
    private static void Factors(HeadroomEngine engine, int bus, int offset, int hours, int[] line, int[]? contingency, double[] factor)
    {
        var beta = engine.Sensitivity(bus);
        var known = new Dictionary<(int Line, int Contingency), double>();
        for (var t = 0; t < hours; t++)
        {
            var l = line[offset + t];
            var c = contingency is null ? -1 : contingency[offset + t];
            if (l < 0)
            {
                factor[offset + t] = double.NaN;
                continue;
            }

            if (!known.TryGetValue((l, c), out var f))
            {
                f = known[(l, c)] = Math.Abs(c < 0 ? beta[l] : beta[l] + (engine.Sensitivities.Lodf(l, c) * beta[c]));
            }

            factor[offset + t] = f;
        }
    }

    /// <summary>
    /// One layer of the substations of several layers computed over the same hours and the same network (for example one
    /// per AC island, each on its own drive: decision 0126), in the order of <paramref name="order"/>.
    /// </summary>
    /// <param name="info">The joined layer's info (its first hour and hours must be the parts').</param>
    /// <param name="parts">The parts; each substation's hours are taken from the first part that holds it.</param>
    /// <param name="order">The substation ids of the joined layer, in order; each must be in a part.</param>
    /// <exception cref="ArgumentException">Parts of other hours or line names, or an id no part holds.</exception>
    public static ModelHeadroomLayer Join(HeadroomLayerInfo info, IReadOnlyList<ModelHeadroomLayer> parts, IReadOnlyList<string> order)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(order);
        if (parts.Count == 0 || parts.Any(p => p.Info.First != info.First || p.Info.Hours != info.Hours || !p._lineNames.SequenceEqual(parts[0]._lineNames)))
        {
            throw new ArgumentException("the parts of a joined layer must cover the same hours of the same network.", nameof(parts));
        }

        var hours = info.Hours;
        var n0 = new double[order.Count * hours];
        var n1 = new double[order.Count * hours];
        var line = new int[order.Count * hours];
        var lineN0 = new int[order.Count * hours];
        var contingency = new int[order.Count * hours];
        var factors = parts.All(p => p._factor is not null);
        var factor = factors ? new double[order.Count * hours] : null;
        var factorN0 = factors ? new double[order.Count * hours] : null;
        var signs = parts.All(p => p._signed is not null);
        var signedN0 = signs ? new double[order.Count * hours] : null;
        var signed = signs ? new double[order.Count * hours] : null;
        var substations = ImmutableArray.CreateBuilder<Substation>(order.Count);
        for (var i = 0; i < order.Count; i++)
        {
            var part = parts.FirstOrDefault(p => p._index.ContainsKey(order[i])) ?? throw new ArgumentException($"no part holds substation '{order[i]}'.", nameof(order));
            var from = part._index[order[i]] * hours;
            Array.Copy(part._n0, from, n0, i * hours, hours);
            Array.Copy(part._n1, from, n1, i * hours, hours);
            Array.Copy(part._line, from, line, i * hours, hours);
            Array.Copy(part._lineN0, from, lineN0, i * hours, hours);
            Array.Copy(part._contingency, from, contingency, i * hours, hours);
            if (factors)
            {
                Array.Copy(part._factor!, from, factor!, i * hours, hours);
                Array.Copy(part._factorN0!, from, factorN0!, i * hours, hours);
            }

            if (signs)
            {
                Array.Copy(part._signedN0!, from, signedN0!, i * hours, hours);
                Array.Copy(part._signed!, from, signed!, i * hours, hours);
            }

            substations.Add(part._substations[part._index[order[i]]]);
        }

        return new ModelHeadroomLayer(info, substations.ToImmutable(), n0, n1, line, lineN0, contingency, parts[0]._lineNames, factor, factorN0, signedN0, signed);
    }

    /// <summary>One substation per bus with load or generation, named after the bus (id "bus-N"): for cases without metadata.</summary>
    public static IReadOnlyList<LayerNode> BusNodes(PowerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return [.. network.Buses.Select(b => new LayerNode(
            new Substation("bus-" + b.Number.ToString(CultureInfo.InvariantCulture), b.Name ?? "bus " + b.Number.ToString(CultureInfo.InvariantCulture), null,
                b.BaseKv > 0 ? b.BaseKv : double.NaN, null), b.Number))];
    }

    /// <summary>The default name of a branch: "branch N (from-to)", N 1-based as in the headroom CSV.</summary>
    public static string DefaultLineName(PowerNetwork network, int branch)
    {
        ArgumentNullException.ThrowIfNull(network);
        var b = network.Branches[branch];
        return string.Create(CultureInfo.InvariantCulture, $"branch {branch + 1} ({network.Buses[b.From].Number}-{network.Buses[b.To].Number})");
    }

    /// <inheritdoc />
    public bool TryGetSubstation(string id, out Substation substation)
    {
        if (id is not null && _index.TryGetValue(id, out var i))
        {
            substation = _substations[i];
            return true;
        }

        substation = null!;
        return false;
    }

    /// <inheritdoc />
    public HeadroomSource SourceOf(string id) => _index.ContainsKey(id) ? HeadroomSource.Model : throw new UnknownSubstationException(id);

    /// <inheritdoc />
    public IReadOnlyList<HeadroomHour> Hourly(string id, TimeWindow window)
    {
        if (id is null || !_index.TryGetValue(id, out var node))
        {
            throw new UnknownSubstationException(id ?? string.Empty);
        }

        var first = (long)Math.Ceiling((window.Start - Info.First).TotalHours);
        var end = (long)Math.Ceiling((window.End - Info.First).TotalHours);
        first = Math.Clamp(first, 0, _hours);
        end = Math.Clamp(end, first, _hours);
        var result = new List<HeadroomHour>((int)(end - first));
        var o = node * _hours;
        for (var t = (int)first; t < end; t++)
        {
            var v0 = _n0[o + t];
            if (double.IsNaN(v0))
            {
                continue;
            }

            var l = _line[o + t];
            var c = _contingency[o + t];
            var l0 = _lineN0[o + t];
            result.Add(new HeadroomHour(Info.First.AddHours(t), v0, _n1[o + t], l >= 0 ? _lineNames[l] : null, c >= 0 ? _lineNames[c] : null, l0 >= 0 ? _lineNames[l0] : null,
                _factor is null ? double.NaN : _factor[o + t], _factorN0 is null ? double.NaN : _factorN0[o + t],
                _signedN0 is null ? double.NaN : _signedN0[o + t], _signed is null ? double.NaN : _signed[o + t]));
        }

        return result;
    }
}
