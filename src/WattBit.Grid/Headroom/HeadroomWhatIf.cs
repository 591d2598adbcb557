using System.Globalization;
using System.Numerics;
using WattBit.Grid.Network;

namespace WattBit.Grid.Headroom;

/// <summary>A change of the network to test on a computed model (<c>wattbit grid whatif</c>).</summary>
public abstract record NetworkChange
{
    /// <summary>The changed network (for a full recomputation, and for topology).</summary>
    public abstract PowerNetwork Apply(PowerNetwork network);

    /// <summary>A short description for reports.</summary>
    public abstract string Describe(PowerNetwork network);
}

/// <summary>Branch <paramref name="Branch"/> (0-based) uprated by <paramref name="Mw"/>: rateA and the emergency rating both rise by it.</summary>
/// <param name="Branch">0-based branch index.</param>
/// <param name="Mw">MW added to rateA and to rateB (where rateB is set; otherwise the emergency rating is rateA).</param>
public sealed record BranchUprate(int Branch, double Mw) : NetworkChange
{
    /// <inheritdoc />
    public override PowerNetwork Apply(PowerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new PowerNetwork(network.Name + " (uprated)", network.BaseMva, network.Buses, network.Generators,
            network.Branches.Select((b, i) => i == Branch ? b with { RateA = b.RateA + Mw, RateB = b.RateB > 0 ? b.RateB + Mw : 0 } : b),
            network.Areas);
    }

    /// <inheritdoc />
    public override string Describe(PowerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var b = network.Branches[Branch];
        return string.Create(CultureInfo.InvariantCulture,
            $"branch {Branch + 1} ({network.Buses[b.From].Number}-{network.Buses[b.To].Number}) uprated by {Mw:0.###} MW");
    }
}

/// <summary>A new line between two buses (0-based), appended as the last branch.</summary>
/// <param name="From">0-based from bus.</param>
/// <param name="To">0-based to bus.</param>
/// <param name="X">Series reactance, p.u. on the case base (nonzero).</param>
/// <param name="RatingMw">Normal and emergency rating, MW (positive).</param>
public sealed record NewLine(int From, int To, double X, double RatingMw) : NetworkChange
{
    /// <inheritdoc />
    public override PowerNetwork Apply(PowerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var line = new Branch(From, To, 0, X, 0, RatingMw, RatingMw, RatingMw, 0, 0, true);
        return new PowerNetwork(network.Name + " (new line)", network.BaseMva, network.Buses, network.Generators,
            network.Branches.Append(line), network.Areas);
    }

    /// <inheritdoc />
    public override string Describe(PowerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return string.Create(CultureInfo.InvariantCulture,
            $"new line {network.Buses[From].Number}-{network.Buses[To].Number} (x = {X:0.#####} p.u., {RatingMw:0.###} MW) as branch {network.Branches.Length + 1}");
    }
}

/// <summary>
/// Headroom of a changed network, answered from the sensitivities already built for the base network (decision 0114):
/// an uprate changes ratings only (PTDF and LODF unchanged); a new line i–j with susceptance b_e is a rank-one change
/// of the B matrix, so by Sherman–Morrison, with z = B⁻¹(e_i − e_j) (one solve) and s = b_e / (1 + b_e(z_i − z_j)):
/// PTDF' = PTDF − u·vᵀ with u_l = PTDF[l,i] − PTDF[l,j] and v_k = s·z_k; the new line's PTDF row is v; base flows
/// f' = f − u·f'_e with f'_e = s·(θ_i − θ_j)·baseMVA; and every LODF column is rebuilt on the fly from the transfer
/// column T'[:,c] = T[:,c] − u·(v_f − v_t) (T from two PTDF columns), LODF' = T' / (1 − T'[c,c]). A bridge that the
/// new line closes into a loop becomes a contingency. The screening and evaluation are the engine's, so the answer is
/// the same as a full recomputation on the changed network (to rounding; tests check 1e-6 MW).
/// </summary>
public sealed class HeadroomWhatIf
{
    private readonly HeadroomEngine _engine;
    private readonly int _m;
    private readonly int _mPad;
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[] _c;
    private readonly double[] _rateN0;
    private readonly double[] _rateN1;
    private readonly int[] _contingencies;
    private readonly double[]? _u;
    private readonly double[]? _v;
    private readonly int _island = -1;
    private readonly double _slackV;
    private readonly int[] _from;
    private readonly int[] _to;

    /// <summary>Prepares the change (one sparse solve and three for the flows for a new line; nothing for an uprate).</summary>
    /// <exception cref="ArgumentException">The change does not fit the network (a branch or bus out of range, an
    /// out-of-service or unrated branch, a non-positive resulting rating, a line between islands or to itself, x = 0).</exception>
    public HeadroomWhatIf(HeadroomEngine engine, NetworkChange change)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(change);
        _engine = engine;
        Change = change;
        var model = engine.Sensitivities.Model;
        var net = model.Network;
        var m0 = model.BranchCount;
        var line = change as NewLine;
        Validate(engine, change);
        _m = m0 + (line is null ? 0 : 1);
        var w = Vector<double>.Count;
        _mPad = (_m + w - 1) / w * w;
        _a = Copy(engine.FlowA, m0, _mPad, 0);
        _b = Copy(engine.FlowB, m0, _mPad, 0);
        _c = Copy(engine.FlowC, m0, _mPad, 0);
        _rateN0 = Copy(engine.RatingsN0, m0, _mPad, double.PositiveInfinity);
        _rateN1 = Copy(engine.RatingsN1, m0, _mPad, double.PositiveInfinity);
        _from = new int[_m];
        _to = new int[_m];
        for (var l = 0; l < m0; l++)
        {
            (_from[l], _to[l]) = (net.Branches[l].From, net.Branches[l].To);
        }

        if (change is BranchUprate up)
        {
            _rateN0[up.Branch] += up.Mw;
            _rateN1[up.Branch] += up.Mw;
            _contingencies = engine.Contingencies.ToArray();
            return;
        }

        var nl = line!;
        (_from[m0], _to[m0]) = (nl.From, nl.To);
        _rateN0[m0] = nl.RatingMw;
        _rateN1[m0] = nl.RatingMw;
        // z = B⁻¹(e_i − e_j) in the reduced system (references and dead islands 0).
        int n = model.BusCount;
        var rhs = new double[model.ReducedSize];
        int ri = model.ReducedIndex(nl.From), rj = model.ReducedIndex(nl.To);
        if (ri >= 0)
        {
            rhs[ri] += 1;
        }

        if (rj >= 0)
        {
            rhs[rj] -= 1;
        }

        model.Factor.Solve(rhs, new double[model.ReducedSize]);
        var z = new double[n];
        for (var k = 0; k < n; k++)
        {
            var r = model.ReducedIndex(k);
            z[k] = r >= 0 ? rhs[r] : 0;
        }

        var be = 1 / nl.X;
        var s = be / (1 + (be * (z[nl.From] - z[nl.To])));
        _v = new double[n];
        for (var k = 0; k < n; k++)
        {
            _v[k] = s * z[k];
        }

        _u = new double[_mPad];
        for (var l = 0; l < m0; l++)
        {
            var bl = model.Susceptance(l);
            _u[l] = bl == 0 ? 0 : bl * (z[_from[l]] - z[_to[l]]);
        }

        // Base flows of the three components: the new line carries s·(θ_i − θ_j)·baseMVA, the rest change by −u·that.
        var (p0, p1, p2) = engine.Series.ComponentInjections();
        var scratch = new double[m0];
        var comps = new[] { (p0, _a, true), (p1, _b, false), (p2, _c, false) };
        foreach (var (p, f, shifts) in comps)
        {
            var theta = model.Solve(p, scratch, includePhaseShifts: shifts);
            var fe = s * (theta[nl.From] - theta[nl.To]) * net.BaseMva;
            for (var l = 0; l < m0; l++)
            {
                f[l] -= _u[l] * fe;
            }

            f[m0] = fe;
        }

        _island = model.Topology.IslandOf(nl.From);
        if (engine.Options.Balance == Balancing.Distributed)
        {
            double sw = 0, sv = 0;
            foreach (var g in net.Generators)
            {
                if (g.InService && g.Pg > 0 && model.Topology.IslandOf(g.BusIndex) == _island)
                {
                    sw += g.Pg;
                    sv += g.Pg * _v[g.BusIndex];
                }
            }

            _slackV = sw > 0 ? sv / sw : 0;
        }

        // Contingencies of the changed network: in service, energised, not a bridge any more (the new line is none).
        var topo = Topology.Analyse(change.Apply(net));
        var list = new List<int>();
        for (var l = 0; l < _m; l++)
        {
            var active = l == m0 || model.IsActive(l);
            if (active && !topo.IsBridge(l))
            {
                list.Add(l);
            }
        }

        _contingencies = [.. list];
    }

    /// <summary>The change.</summary>
    public NetworkChange Change { get; }

    /// <summary>Branches of the changed network (one more than the base for a new line).</summary>
    public int BranchCount => _m;

    /// <summary>Contingencies of the changed network (0-based branches).</summary>
    public ReadOnlySpan<int> Contingencies => _contingencies;

    /// <summary>
    /// The headroom of one bus at every step on the changed network (N-0 and, if the engine's criterion is N-1, N-1), with
    /// the engine's options, pruning and tie-break. Branch indexes refer to the changed network (a new line is the last).
    /// </summary>
    /// <param name="bus">0-based bus index.</param>
    /// <param name="result">Receives the result (arrays of the engine's number of steps).</param>
    public void Compute(int bus, BusHeadroom result)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Bus = bus;
        var model = _engine.Sensitivities.Model;
        if (!model.IsEnergised(bus))
        {
            HeadroomEngine.FillMissing(result);
            return;
        }

        var m0 = model.BranchCount;
        var beta0 = new double[_engine.PaddedBranches];
        _engine.FillSensitivity(bus, beta0);
        var beta = new double[_mPad];
        Array.Copy(beta0, beta, m0);
        if (_u is not null && model.Topology.IslandOf(bus) == _island)
        {
            // β'_l(k) = β_l(k) − u_l·(V̄ − v_k); the new line's own β'_e(k) = V̄ − v_k (V̄: slack-weighted v, 0 for reference balancing).
            var d = _slackV - _v![bus];
            for (var l = 0; l < m0; l++)
            {
                beta[l] -= _u[l] * d;
            }

            beta[m0] = d;
        }

        var work = new double[_engine.PaddedSteps];
        if (!_engine.ComputeN0(_m, _mPad, _a, _b, _c, _rateN0, beta, work, result, out var ub1))
        {
            return;
        }

        var c1 = new Candidates();
        var aPost = new double[_mPad];
        var bPost = new double[_mPad];
        var cPost = new double[_mPad];
        var betaPost = new double[_mPad];
        var col = new double[_mPad];
        foreach (var c in _contingencies)
        {
            var lodf = _u is null ? _engine.Sensitivities.LodfColumn(c) : LodfColumn(c, col);
            HeadroomEngine.PostContingency(_m, _a, _b, _c, lodf, beta, c, betaPost, aPost, bPost, cPost);
            _engine.BoundBranches(_m, _mPad, betaPost, aPost, bPost, cPost, _rateN1, c, c, c1, ref ub1);
        }

        _engine.FinishN1(c1, ub1, work, result);
    }

    /// <summary>
    /// Prepares a bus for repeated uprate questions: its headroom on the base network and the N-1 limits the screening
    /// kept (one full one-bus sweep, as <see cref="HeadroomEngine.Compute"/>).
    /// </summary>
    /// <param name="engine">The base engine.</param>
    /// <param name="bus">0-based bus index.</param>
    public static PreparedBus Prepare(HeadroomEngine engine, int bus)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var result = new BusHeadroom(engine.Steps);
        var kept = engine.ComputeKeeping(bus, result, out var ub1);
        if (kept is null)
        {
            return new PreparedBus(engine, bus, result, kept, ub1, []);
        }

        // Decision 0117: a second sweep keeps the limits needed for any uprate of the branches that limit this bus most
        // often, so that uprating them (the usual question) is answered without a sweep.
        var model = engine.Sensitivities.Model;
        var net = model.Network;
        bool Uprateable(int b) => b >= 0 && model.IsActive(b) && net.Branches[b].RateA > 0;
        var uprated = result.N1Branch.Where(Uprateable).CountBy(b => b).OrderByDescending(p => p.Value).ThenBy(p => p.Key)
            .Take(MostLimiting).Select(p => p.Key)
            .Union(result.N0Branch.Where(Uprateable).CountBy(b => b).OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(1).Select(p => p.Key))
            .Order().ToArray();
        if (uprated.Length > 0)
        {
            var loose = engine.ComputeKeepingForUprates(bus, uprated, MaxKept, out var looseBound);
            if (loose is not null)
            {
                return new PreparedBus(engine, bus, result, loose, looseBound, uprated);
            }
        }

        return new PreparedBus(engine, bus, result, kept, ub1, []);
    }

    /// <summary>The most frequent N-1 limiting branches of a prepared bus whose uprates are covered (decision 0117).</summary>
    private const int MostLimiting = 3;

    /// <summary>The most N-1 limits a prepared bus keeps for uprates (about 70 bytes each); more falls back to the tight set.</summary>
    private const int MaxKept = 400_000;

    /// <summary>
    /// The headroom of a prepared bus on the changed network. For an uprate of branch X by Δ ≥ 0 (ratings only) it is
    /// answered from the limits the base screening kept, without a sweep over the (contingency, branch) pairs: N-0 is
    /// recomputed with the new rating (one pass over the branches), and the kept N-1 limits are evaluated with X's
    /// rating raised. Every limit the base screening dropped has a lower bound above the base upper bound U, and
    /// raising a rating only raises limits; so when every step's answer is ≤ U, no dropped limit can be the minimum or
    /// tie with it, and the answer is exact, with the same tie-break. Otherwise, and for a new line or a cut, it falls
    /// back to <see cref="Compute(int, BusHeadroom)"/>. Returns true when the fast path answered.
    /// </summary>
    /// <param name="prepared">From <see cref="Prepare"/> on the same engine.</param>
    /// <param name="result">Receives the result (arrays of the engine's number of steps).</param>
    /// <exception cref="ArgumentException">The bus was prepared on another engine.</exception>
    public bool Compute(PreparedBus prepared, BusHeadroom result)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(result);
        if (!ReferenceEquals(prepared.Engine, _engine))
        {
            throw new ArgumentException("the bus was prepared on another engine.", nameof(prepared));
        }

        var bus = prepared.Bus;
        if (Change is not BranchUprate { Mw: >= 0 } up || _engine.UsePairIndex || prepared.Kept is null || double.IsNaN(prepared.UpperBound))
        {
            Compute(bus, result);
            return false;
        }

        result.Bus = bus;
        var beta = new double[_engine.PaddedBranches];
        _engine.FillSensitivity(bus, beta);
        var work = new double[_engine.PaddedSteps];
        if (!_engine.ComputeN0(_m, _mPad, _a, _b, _c, _rateN0, beta, work, result, out _))
        {
            return true;
        }

        var kept = prepared.Kept.Clone();
        kept.RaiseRating(up.Branch, up.Mw);
        _engine.FinishN1(kept, double.PositiveInfinity, work, result);
        for (var t = 0; t < result.N1Mw.Length; t++)
        {
            if (!(result.N1Mw[t] <= prepared.UpperBound))
            {
                Compute(bus, result);
                return false;
            }
        }

        return true;
    }

    /// <summary>LODF' column of contingency c on the changed network, from the base PTDF and the rank-one update.</summary>
    private ReadOnlySpan<double> LodfColumn(int c, double[] col)
    {
        var s = _engine.Sensitivities;
        var m0 = s.Model.BranchCount;
        var u = _u!;
        var v = _v!;
        if (c == m0)
        {
            // Outaging the new line returns to the base network: T'[:,e] = u·(1 − d), T'[e,e] = d, d = v_i − v_j.
            var d = v[_from[c]] - v[_to[c]];
            var den = 1 - d;
            for (var l = 0; l < m0; l++)
            {
                col[l] = u[l] * (1 - d) / den;
            }

            col[c] = -1;
            return col.AsSpan(0, _m);
        }

        var pf = s.PtdfColumn(_from[c]);
        var pt = s.PtdfColumn(_to[c]);
        var wc = v[_from[c]] - v[_to[c]];
        var tcc = (pf[c] - pt[c]) - (u[c] * wc);
        var denom = 1 - tcc;
        for (var l = 0; l < m0; l++)
        {
            col[l] = ((pf[l] - pt[l]) - (u[l] * wc)) / denom;
        }

        col[m0] = wc / denom;
        col[c] = -1;
        return col.AsSpan(0, _m);
    }

    private static void Validate(HeadroomEngine engine, NetworkChange change)
    {
        var model = engine.Sensitivities.Model;
        var net = model.Network;
        switch (change)
        {
            case BranchUprate up:
                if ((uint)up.Branch >= (uint)model.BranchCount)
                {
                    throw new ArgumentException($"branch {up.Branch + 1} is not in the case (1..{model.BranchCount}).", nameof(change));
                }

                if (!model.IsActive(up.Branch) || !(net.Branches[up.Branch].RateA > 0))
                {
                    throw new ArgumentException($"branch {up.Branch + 1} is out of service or has no rating (rateA = 0): nothing to uprate.", nameof(change));
                }

                if (!double.IsFinite(up.Mw) || !(net.Branches[up.Branch].RateA + up.Mw > 0) || !(net.Branches[up.Branch].EmergencyRating + up.Mw > 0))
                {
                    throw new ArgumentException($"uprating branch {up.Branch + 1} by {up.Mw} MW leaves no positive rating.", nameof(change));
                }

                break;
            case NewLine nl:
                var n = model.BusCount;
                if ((uint)nl.From >= (uint)n || (uint)nl.To >= (uint)n || nl.From == nl.To)
                {
                    throw new ArgumentException("a new line needs two different buses of the case.", nameof(change));
                }

                if (!model.IsEnergised(nl.From) || model.Topology.IslandOf(nl.From) != model.Topology.IslandOf(nl.To))
                {
                    throw new ArgumentException(
                        $"a new line must join two buses of one energised island (buses {net.Buses[nl.From].Number} and {net.Buses[nl.To].Number} are not).",
                        nameof(change));
                }

                if (nl.X == 0 || !double.IsFinite(nl.X))
                {
                    throw new ArgumentException("a new line needs a finite nonzero reactance x (p.u.).", nameof(change));
                }

                if (!(nl.RatingMw > 0) || !double.IsFinite(nl.RatingMw))
                {
                    throw new ArgumentException("a new line needs a positive rating in MW.", nameof(change));
                }

                break;
            default:
                throw new ArgumentException($"unknown change {change.GetType().Name}.", nameof(change));
        }
    }

    private static double[] Copy(double[] source, int count, int length, double pad)
    {
        var result = new double[length];
        Array.Copy(source, result, count);
        for (var i = count; i < length; i++)
        {
            result[i] = pad;
        }

        return result;
    }
}

/// <summary>A bus prepared for repeated what-if questions (<see cref="HeadroomWhatIf.Prepare"/>).</summary>
public sealed class PreparedBus
{
    internal PreparedBus(HeadroomEngine engine, int bus, BusHeadroom baseResult, Candidates? kept, double upperBound, int[] covered)
    {
        Engine = engine;
        Bus = bus;
        Base = baseResult;
        Kept = kept;
        UpperBound = upperBound;
        CoveredBranches = covered;
    }

    /// <summary>
    /// 0-based branches whose uprate by any amount is answered without a sweep (decision 0117: the bus's most frequent
    /// N-1 limiting branches and its most frequent N-0 one); empty when the bus keeps only the base screening's limits.
    /// An uprate of another branch is answered without a sweep when it leaves the headroom within the base bound.
    /// </summary>
    public IReadOnlyList<int> CoveredBranches { get; }

    /// <summary>N-1 limits kept for the answers (evaluated at every step of each answer).</summary>
    public int KeptLimits => Kept?.Count ?? 0;

    /// <summary>The 0-based bus.</summary>
    public int Bus { get; }

    /// <summary>Its headroom on the base network.</summary>
    public BusHeadroom Base { get; }

    /// <summary>The N-1 limits kept by the base screening (limits dropped have a lower bound above <see cref="UpperBound"/>).</summary>
    internal Candidates? Kept { get; }

    /// <summary>The base screening's final upper bound, MW.</summary>
    internal double UpperBound { get; }

    internal HeadroomEngine Engine { get; }
}
