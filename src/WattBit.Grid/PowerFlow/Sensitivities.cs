namespace WattBit.Grid.PowerFlow;

/// <summary>
/// Dense PTDF and LODF of a <see cref="DcModel"/>, built from sparse solves (one per bus for the PTDF). Storage is
/// column-major so that the headroom engine's inner loops run over contiguous branches:
/// <see cref="PtdfColumn"/>(k)[l] = flow change on branch l (MW) per MW injected at bus k and withdrawn at its island's
/// reference; <see cref="LodfColumn"/>(c)[l] = flow change on l per MW flowing on c before c's outage. Immutable and
/// thread-safe. Memory: 8·buses·branches + 8·branches² bytes.
/// </summary>
public sealed class Sensitivities
{
    private readonly double[] _ptdf; // [bus * m + branch]
    private readonly double[] _lodf; // [contingency * m + branch]
    private readonly bool[] _isContingency;

    private Sensitivities(DcModel model, double[] ptdf, double[] lodf, bool[] isContingency)
    {
        Model = model;
        _ptdf = ptdf;
        _lodf = lodf;
        _isContingency = isContingency;
    }

    /// <summary>The model.</summary>
    public DcModel Model { get; }

    /// <summary>Builds PTDF (reference slack) and LODF; parallel over buses and contingencies.</summary>
    public static Sensitivities Build(DcModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.BusCount, m = model.BranchCount;
        var net = model.Network;
        var ptdf = new double[(long)n * m];
        var from = new int[m];
        var to = new int[m];
        for (var l = 0; l < m; l++)
        {
            from[l] = net.Branches[l].From;
            to[l] = net.Branches[l].To;
        }

        Parallel.For(0, n, () => (new double[model.ReducedSize], new double[model.ReducedSize], new double[n]), (k, _, s) =>
        {
            var r = model.ReducedIndex(k);
            if (r < 0)
            {
                return s; // references and dead islands: zero column
            }

            var (x, scratch, theta) = s;
            Array.Clear(x);
            x[r] = 1;
            model.Factor.Solve(x, scratch);
            for (var i = 0; i < n; i++)
            {
                var ri = model.ReducedIndex(i);
                theta[i] = ri >= 0 ? x[ri] : 0;
            }

            var col = ptdf.AsSpan(k * m, m);
            for (var l = 0; l < m; l++)
            {
                var b = model.Susceptance(l);
                col[l] = b == 0 ? 0 : b * (theta[from[l]] - theta[to[l]]);
            }

            return s;
        }, _ => { });

        // LODF column c = PTDF of a transfer f_c -> t_c, divided by (1 - that transfer's effect on c itself).
        var lodf = new double[(long)m * m];
        var isContingency = new bool[m];
        Parallel.For(0, m, c =>
        {
            if (!model.IsActive(c) || model.Topology.IsBridge(c))
            {
                return; // not a contingency: out of service, or a bridge (its outage splits the island)
            }

            isContingency[c] = true;
            var pf = ptdf.AsSpan(from[c] * m, m);
            var pt = ptdf.AsSpan(to[c] * m, m);
            var denom = 1 - (pf[c] - pt[c]);
            var col = lodf.AsSpan(c * m, m);
            for (var l = 0; l < m; l++)
            {
                col[l] = (pf[l] - pt[l]) / denom;
            }

            col[c] = -1;
        });

        return new Sensitivities(model, ptdf, lodf, isContingency);
    }

    /// <summary>The PTDF column of bus k (per branch, MW/MW), reference slack of k's island.</summary>
    public ReadOnlySpan<double> PtdfColumn(int bus) => _ptdf.AsSpan(bus * Model.BranchCount, Model.BranchCount);

    /// <summary>PTDF[branch, bus], MW/MW, reference slack.</summary>
    public double Ptdf(int branch, int bus) => _ptdf[(long)bus * Model.BranchCount + branch];

    /// <summary>
    /// Distributed-slack PTDF column of bus k: injection at k withdrawn from buses in proportion to
    /// <paramref name="slackWeights"/> (per bus, normalised here to sum 1).
    /// </summary>
    /// <exception cref="ArgumentException">The weights do not have one entry per bus or sum to zero.</exception>
    public double[] DistributedPtdfColumn(int bus, ReadOnlySpan<double> slackWeights)
    {
        var m = Model.BranchCount;
        var col = PtdfColumn(bus).ToArray();
        var slack = SlackColumn(slackWeights);
        for (var l = 0; l < m; l++)
        {
            col[l] -= slack[l];
        }

        return col;
    }

    /// <summary>Σ_i w_i PTDF[:, i] with w normalised to sum 1: the flow pattern of a withdrawal spread over the slack.</summary>
    /// <exception cref="ArgumentException">The weights do not have one entry per bus or sum to zero.</exception>
    public double[] SlackColumn(ReadOnlySpan<double> slackWeights)
    {
        if (slackWeights.Length != Model.BusCount)
        {
            throw new ArgumentException($"expected {Model.BusCount} slack weights, got {slackWeights.Length}.", nameof(slackWeights));
        }

        double total = 0;
        foreach (var w in slackWeights)
        {
            total += w;
        }

        if (!(total > 0))
        {
            throw new ArgumentException("the slack weights sum to zero.", nameof(slackWeights));
        }

        var m = Model.BranchCount;
        var result = new double[m];
        for (var i = 0; i < slackWeights.Length; i++)
        {
            var w = slackWeights[i] / total;
            if (w == 0)
            {
                continue;
            }

            var col = PtdfColumn(i);
            for (var l = 0; l < m; l++)
            {
                result[l] += w * col[l];
            }
        }

        return result;
    }

    /// <summary>True when branch c is a valid contingency: in service, energised, not a bridge.</summary>
    public bool IsContingency(int branch) => _isContingency[branch];

    /// <summary>The LODF column of contingency c (per monitored branch); all zeros when c is not a contingency.</summary>
    public ReadOnlySpan<double> LodfColumn(int contingency) => _lodf.AsSpan(contingency * Model.BranchCount, Model.BranchCount);

    /// <summary>LODF[branch, contingency].</summary>
    public double Lodf(int branch, int contingency) => _lodf[(long)contingency * Model.BranchCount + branch];
}
