using System.Diagnostics;
using System.Numerics;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;

namespace WattBit.Grid.Headroom;

/// <summary>
/// Exact N-0 and N-1 headroom per bus and step (formats.md §3) with pruning that provably keeps the minimum.
/// <para>
/// Every flow is affine in the profile point p(t) = (demand_scale, solar_pu), and every sensitivity is constant in
/// time, so each (contingency, branch) limit g(t) = (rating − s·f(t)) / |β| is bounded over the whole period by
/// evaluating f at the corners of the profile's bounding box. IEEE rounding is monotone, so the bounds computed with
/// the same expressions bound every evaluated g(t) exactly. A limit whose lower bound exceeds an upper bound of the
/// headroom at every step (the largest N-0 headroom of the period, tightened by every limit's upper bound) can never
/// be the minimum and is skipped; the rest are evaluated at every step in a fixed order (base case, then contingencies,
/// then branches, ascending), so ties resolve to the lowest index exactly as in <see cref="ComputeNaive"/>.
/// </para>
/// Thread-safe: <see cref="Compute"/> may run for different buses in parallel, each with its own result object.
/// </summary>
public sealed class HeadroomEngine
{
    private readonly int _m;
    private readonly int _mPad;
    private readonly int _steps;
    private readonly int _stepsPad;
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[] _c;
    private readonly double[] _rateN0;
    private readonly double[] _rateN1;
    private readonly double[] _ds;
    private readonly double[] _pv;
    private readonly double[][] _islandSlack;
    private readonly int[] _contingencies;
    private readonly double _d0, _d1, _s0, _s1;
    private readonly Lazy<PairIndex> _pairIndex;
    private readonly ProfileBlocks _blocks;
    private long _groupVisited;
    private long _groupPassed;
    private readonly long[] _phaseTicks = new long[4];

    /// <summary>Prepares the engine for a series.</summary>
    /// <exception cref="ArgumentException">The sensitivities and the series belong to different models.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Invalid options.</exception>
    public HeadroomEngine(Sensitivities sensitivities, NetworkTimeSeries series, HeadroomOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sensitivities);
        ArgumentNullException.ThrowIfNull(series);
        if (!ReferenceEquals(sensitivities.Model, series.Model))
        {
            throw new ArgumentException("the sensitivities and the series must come from the same DcModel.", nameof(series));
        }

        Sensitivities = sensitivities;
        Series = series;
        Options = (options ?? new HeadroomOptions()).Validate();
        var model = sensitivities.Model;
        _m = model.BranchCount;
        var w = Vector<double>.Count;
        _mPad = (_m + w - 1) / w * w;
        _steps = series.Count;
        _stepsPad = (_steps + w - 1) / w * w;
        _a = Padded(series.FlowConstant, _mPad, 0);
        _b = Padded(series.FlowPerDemandScale, _mPad, 0);
        _c = Padded(series.FlowPerSolar, _mPad, 0);
        _rateN0 = new double[_mPad];
        _rateN1 = new double[_mPad];
        Array.Fill(_rateN0, double.PositiveInfinity);
        Array.Fill(_rateN1, double.PositiveInfinity);
        for (var l = 0; l < _m; l++)
        {
            var br = model.Network.Branches[l];
            if (model.IsActive(l) && br.RateA > 0)
            {
                _rateN0[l] = br.RateA;
            }

            if (model.IsActive(l) && br.EmergencyRating > 0)
            {
                _rateN1[l] = br.EmergencyRating;
            }
        }

        _ds = Padded(series.Profile.DemandScale.AsSpan(), _stepsPad, series.Profile.DemandScale[0]);
        _pv = Padded(series.Profile.SolarPu.AsSpan(), _stepsPad, series.Profile.SolarPu[0]);
        (_d0, _d1, _s0, _s1) = (series.DemandScaleMin, series.DemandScaleMax, series.SolarMin, series.SolarMax);
        _islandSlack = BuildSlack(sensitivities, Options.Balance);
        var list = new List<int>();
        for (var c = 0; c < _m; c++)
        {
            if (sensitivities.IsContingency(c))
            {
                list.Add(c);
            }
        }

        _contingencies = [.. list];
        _pairIndex = new Lazy<PairIndex>(() => PairIndex.Build(this, _islandSlack), LazyThreadSafetyMode.ExecutionAndPublication);
        _blocks = new ProfileBlocks(_ds, _pv, 168);
    }

    // A copy of an engine with another constant flow component (WithFlatLoads): the sensitivities, series, ratings and
    // profile are shared; the pair index is rebuilt lazily on the new flows.
    private HeadroomEngine(HeadroomEngine source, double[] a)
    {
        Sensitivities = source.Sensitivities;
        Series = source.Series;
        Options = source.Options;
        _m = source._m;
        _mPad = source._mPad;
        _steps = source._steps;
        _stepsPad = source._stepsPad;
        _a = a;
        _b = source._b;
        _c = source._c;
        _rateN0 = source._rateN0;
        _rateN1 = source._rateN1;
        _ds = source._ds;
        _pv = source._pv;
        (_d0, _d1, _s0, _s1) = (source._d0, source._d1, source._s0, source._s1);
        _islandSlack = source._islandSlack;
        _contingencies = source._contingencies;
        _blocks = source._blocks;
        _pairIndex = new Lazy<PairIndex>(() => PairIndex.Build(this, _islandSlack), LazyThreadSafetyMode.ExecutionAndPublication);
        UsePairIndex = source.UsePairIndex;
        UseWeekBlocks = source.UseWeekBlocks;
        GroupSize = source.GroupSize;
        WarmStart = source.WarmStart;
    }

    /// <summary>
    /// This engine with flat loads added to the base case at every step (the roadmap's clusters, decision 0210): each
    /// load's flows are its sensitivity (<see cref="Sensitivity"/>, the engine's own balancing) × its MW, added to the
    /// constant flow component, so post-outage flows carry them too and a bus's headroom is what is left beside them.
    /// A negative MW is a flat injection. <see cref="Series"/> stays the series without them.
    /// </summary>
    /// <param name="loads">Per load, its 0-based bus index and MW (a bus may appear more than once; the MW add up).</param>
    /// <exception cref="ArgumentOutOfRangeException">A bus index outside the model, or a MW that is not finite.</exception>
    public HeadroomEngine WithFlatLoads(IReadOnlyList<(int Bus, double Mw)> loads)
    {
        ArgumentNullException.ThrowIfNull(loads);
        var a = (double[])_a.Clone();
        var beta = new double[_mPad];
        foreach (var (bus, mw) in loads)
        {
            if (bus < 0 || bus >= Sensitivities.Model.BusCount)
            {
                throw new ArgumentOutOfRangeException(nameof(loads), bus, "bus index outside the model.");
            }

            if (!double.IsFinite(mw))
            {
                throw new ArgumentOutOfRangeException(nameof(loads), mw, "a flat load must be a finite MW.");
            }

            if (mw == 0 || !Sensitivities.Model.IsEnergised(bus))
            {
                continue;
            }

            FillSensitivity(bus, beta);
            for (var l = 0; l < _m; l++)
            {
                a[l] += beta[l] * mw;
            }
        }

        return new HeadroomEngine(this, a);
    }

    /// <summary>
    /// Screen N-1 pairs with the bus-independent sorted bounds before the full sweep (decision 0110; default false: on
    /// case_ACTIVSg10k the bounds are too loose to pay for the index, see docs/grid-headroom.md). Results are identical.
    /// </summary>
    public bool UsePairIndex { get; init; }

    /// <summary>
    /// Evaluate the kept limits week by week, each week bounded over its own box (decision 0110; default true). False
    /// evaluates every kept limit at every step as decision 0011 (the benchmark's baseline); results are identical.
    /// </summary>
    public bool UseWeekBlocks { get; init; } = true;

    /// <summary>
    /// Largest group of buses that <see cref="HeadroomRunner"/> screens together for N-1 (decision 0113; default 64; 1
    /// computes bus by bus). Results are identical for every group size.
    /// </summary>
    public int GroupSize { get; init; } = 64;

    /// <summary>
    /// Before the grouped N-1 sweep, tighten each bus's upper bound with the limits of the branches that limit its group's
    /// N-0 headroom, under every contingency (default true). Results are identical; fewer pairs pass the group bound.
    /// </summary>
    public bool WarmStart { get; init; } = true;

    /// <summary>
    /// Diagnostics of <see cref="ComputeGroup"/> since the engine was made: (contingency, branch) pairs visited per group
    /// and pairs that passed the group bound and were screened bus by bus.
    /// </summary>
    public (long Visited, long Passed) GroupScreening => (Interlocked.Read(ref _groupVisited), Interlocked.Read(ref _groupPassed));

    /// <summary>
    /// Where <see cref="ComputeGroup"/> spent its time since the engine was made, summed over threads (Stopwatch time of
    /// each worker, so on a loaded machine it includes time the thread waited for a core): the N-0 part and the
    /// sensitivities, the screening pass over the (contingency, branch) pairs (including the pairs checked bus by bus),
    /// the pairs checked bus by bus alone (estimated from every 16th), and the evaluation of the kept N-1 limits.
    /// </summary>
    public HeadroomPhaseTimes GroupPhases => new(
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _phaseTicks[0])),
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _phaseTicks[1])),
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _phaseTicks[2])),
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _phaseTicks[3])));

    /// <summary>The sensitivities.</summary>
    public Sensitivities Sensitivities { get; }

    /// <summary>The series.</summary>
    public NetworkTimeSeries Series { get; }

    /// <summary>The options.</summary>
    public HeadroomOptions Options { get; }

    /// <summary>0-based indexes of the contingencies considered for N-1 (in service, not bridges).</summary>
    public ReadOnlySpan<int> Contingencies => _contingencies;

    /// <summary>Number of steps.</summary>
    public int Steps => _steps;

    /// <summary>
    /// β_k: flow change on each branch (MW) per MW of extra load at bus k under the chosen balancing (length = branches;
    /// all zeros for a bus in a dead island).
    /// </summary>
    public double[] Sensitivity(int bus)
    {
        var beta = new double[_mPad];
        FillSensitivity(bus, beta);
        return beta[.._m];
    }

    /// <summary>Computes the headroom of one bus at every step, exactly, with pruning.</summary>
    /// <param name="bus">0-based bus index.</param>
    /// <param name="result">Receives the result (its arrays must have <see cref="Steps"/> entries).</param>
    public void Compute(int bus, BusHeadroom result) => ComputeKeeping(bus, result, out _);

    /// <summary>
    /// The headroom below zero (decision 0234): in every step where <paramref name="result"/> (this engine's own
    /// <see cref="Compute"/> of <paramref name="bus"/>) has an N-0 or a secure headroom of 0, the same minimum over the
    /// same limits without their floor at 0. A negative value is how much load at the bus must fall for every line to be
    /// within its limit (N-0, and under each outage for N-1), each line's overload divided by the bus's own flow on it per
    /// MW, from the same PTDF/LODF; the branch (and contingency) returned is the one that sets it. Steps above 0 are copied
    /// from <paramref name="result"/>. Exact: a limit whose value never reaches 0 over the period (its lower bound over the
    /// profile's box above 0) cannot be the minimum where the headroom is 0, and the rest are evaluated at those steps in
    /// the engine's order (base case, contingencies, branches), ties to the lowest index. Thread-safe as <see cref="Compute"/>.
    /// </summary>
    /// <param name="bus">0-based bus index.</param>
    /// <param name="result">The bus's headroom from <see cref="Compute"/> (not changed).</param>
    /// <returns>The signed N-0 headroom and its branch, and the signed secure headroom (N-1; N-0 when only N-0 is computed), its
    /// branch and contingency (-1: the base case), per step; NaN where <paramref name="result"/> is missing.</returns>
    /// <exception cref="ArgumentException">A result of another number of steps.</exception>
    public SignedHeadroom ComputeBelowZero(int bus, BusHeadroom result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.N0Mw.Length != _steps)
        {
            throw new ArgumentException($"expected a result of {_steps} steps, got {result.N0Mw.Length}.", nameof(result));
        }

        var n1 = Options.Criterion == ContingencyCriterion.N1;
        var signed = new SignedHeadroom(
            (double[])result.N0Mw.Clone(), (int[])result.N0Branch.Clone(),
            n1 ? (double[])result.N1Mw.Clone() : (double[])result.N0Mw.Clone(),
            n1 ? (int[])result.N1Branch.Clone() : (int[])result.N0Branch.Clone(),
            n1 ? (int[])result.N1Contingency.Clone() : Enumerable.Repeat(-1, _steps).ToArray());
        var zero0 = new List<int>();
        var zero = new List<int>();
        for (var t = 0; t < _steps; t++)
        {
            if (result.N0Mw[t] <= 0)
            {
                zero0.Add(t);
            }

            if (signed.SecureMw[t] <= 0)
            {
                zero.Add(t);
            }
        }

        if (zero.Count == 0 && zero0.Count == 0 || !Sensitivities.Model.IsEnergised(bus))
        {
            return signed;
        }

        // With the running bound held at 0, BoundBranches keeps exactly the limits whose lower bound over the box is ≤ 0.
        var beta = new double[_mPad];
        FillSensitivity(bus, beta);
        var cand = new Candidates();
        var ub = 0.0;
        BoundBranches(beta, _a, _b, _c, _rateN0, -1, 0, cand, ref ub);
        var baseCount = cand.Count;
        if (n1 && zero.Count > 0)
        {
            BoundContingencies(beta, cand, ref ub);
        }

        void Lowest(List<int> steps, int count, double[] mw, int[] branch, int[]? contingency)
        {
            foreach (var t in steps)
            {
                double ds = _ds[t], pv = _pv[t];
                var h = double.PositiveInfinity;
                var best = -1;
                for (var k = 0; k < count; k++)
                {
                    var g = cand.Signed(k, ds, pv);
                    if (g < h)
                    {
                        (h, best) = (g, k);
                    }
                }

                if (best >= 0)
                {
                    mw[t] = h;
                    branch[t] = cand.Branch[best];
                    if (contingency is not null)
                    {
                        contingency[t] = cand.Contingency[best];
                    }
                }
            }
        }

        Lowest(zero0, baseCount, signed.N0Mw, signed.N0Branch, null);
        Lowest(zero, n1 ? cand.Count : baseCount, signed.SecureMw, signed.SecureBranch, signed.SecureContingency);
        return signed;
    }

    /// <summary>
    /// <see cref="Compute"/>, handing back the N-1 limits kept by the screening (filtered with the final upper bound
    /// <paramref name="ub1"/>): every other (contingency, branch) limit has a lower bound above <paramref name="ub1"/>.
    /// Null when the bus is not energised or only N-0 is computed.
    /// </summary>
    internal Candidates? ComputeKeeping(int bus, BusHeadroom result, out double ub1)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Bus = bus;
        ub1 = double.NaN;
        if (!Sensitivities.Model.IsEnergised(bus))
        {
            FillMissing(result);
            return null;
        }

        var beta = new double[_mPad];
        FillSensitivity(bus, beta);
        var work = new double[_stepsPad];
        if (!ComputeN0(beta, work, result, out ub1))
        {
            return null;
        }

        var c1 = new Candidates();
        var screened = UsePairIndex && ScreenWithIndex(beta, c1, ref ub1);
        if (!screened)
        {
            c1 = new Candidates();
            BoundContingencies(beta, c1, ref ub1);
        }

        FinishN1(c1, ub1, work, result);
        return c1;
    }

    // Every contingency's post-outage limits of a bus (emergency ratings) through BoundBranches, in contingency order.
    private void BoundContingencies(double[] beta, Candidates cand, ref double ub)
    {
        var aPost = new double[_mPad];
        var bPost = new double[_mPad];
        var cPost = new double[_mPad];
        var betaPost = new double[_mPad];
        foreach (var c in _contingencies)
        {
            PostContingency(Sensitivities.LodfColumn(c), beta, c, betaPost, aPost, bPost, cPost);
            BoundBranches(betaPost, aPost, bPost, cPost, _rateN1, c, c, cand, ref ub);
        }
    }

    /// <summary>
    /// The N-1 limits of a bus kept for uprates of the branches in <paramref name="uprated"/> by any amount (decision
    /// 0117): the upper bound <paramref name="ub1"/> is that of the bus with those branches never limiting (their N-0
    /// and N-1 limits left out of the bound), and every (contingency, branch) limit whose lower bound is at most it is
    /// kept, those on the listed branches included, in (contingency, branch) order. Raising the rating of a listed branch
    /// only raises its limits, so the changed headroom stays at or below <paramref name="ub1"/>, and every limit left out
    /// has a lower bound above it. Null when the bus is not energised, only N-0 is computed, or more than
    /// <paramref name="maxKept"/> limits would be kept.
    /// </summary>
    internal Candidates? ComputeKeepingForUprates(int bus, IReadOnlyCollection<int> uprated, int maxKept, out double ub1)
    {
        ub1 = double.NaN;
        if (!Sensitivities.Model.IsEnergised(bus) || Options.Criterion == ContingencyCriterion.N0)
        {
            return null;
        }

        var beta = new double[_mPad];
        FillSensitivity(bus, beta);
        var rate0 = (double[])_rateN0.Clone();
        var rate1 = (double[])_rateN1.Clone();
        foreach (var x in uprated)
        {
            rate0[x] = double.PositiveInfinity;
            rate1[x] = double.PositiveInfinity;
        }

        var work = new double[_stepsPad];
        if (!ComputeN0(_m, _mPad, _a, _b, _c, rate0, beta, work, new BusHeadroom(_steps), out var ub))
        {
            return null;
        }

        var eps = Options.Epsilon;
        var kept = new Candidates();
        var aPost = new double[_mPad];
        var bPost = new double[_mPad];
        var cPost = new double[_mPad];
        var betaPost = new double[_mPad];
        foreach (var c in _contingencies)
        {
            PostContingency(Sensitivities.LodfColumn(c), beta, c, betaPost, aPost, bPost, cPost);
            BoundBranches(betaPost, aPost, bPost, cPost, rate1, c, c, kept, ref ub);
            foreach (var x in uprated)
            {
                var bx = betaPost[x];
                var r = _rateN1[x];
                if (x == c || !double.IsFinite(r) || !(bx > eps || bx < -eps))
                {
                    continue;
                }

                var pos = bx > eps;
                var absb = Math.Abs(bx);
                var (fHi, fLo) = Candidates.FlowRange(aPost[x], bPost[x], cPost[x], _d0, _d1, _s0, _s1);
                var lb = Math.Max(0, (pos ? r - fHi : r + fLo) / absb);
                if (lb <= ub)
                {
                    kept.Add(c, x, aPost[x], bPost[x], cPost[x], r, pos, absb, lb);
                }
            }

            if (kept.Count > 2 * maxKept)
            {
                kept.Filter(ub);
                if (kept.Count > maxKept)
                {
                    return null;
                }
            }
        }

        kept.Filter(ub);
        if (kept.Count > maxKept)
        {
            return null;
        }

        kept.SortByContingencyThenBranch();
        ub1 = ub;
        return kept;
    }

    /// <summary>
    /// Computes several buses at once, with the same results as <see cref="Compute"/> for each (decision 0113): the
    /// N-1 screening reads each LODF column once for the whole group and skips a (contingency, branch) pair for every
    /// bus of the group when a bound valid for all of them (the interval of the group's sensitivities) already exceeds
    /// the group's largest running upper bound. Electrically close buses (<see cref="BusGroups"/>) make that bound
    /// tight. With N-0 only, or a single bus, this is <see cref="Compute"/> per bus.
    /// </summary>
    /// <param name="buses">0-based bus indexes.</param>
    /// <param name="results">One result per bus, in the same order (arrays of <see cref="Steps"/> entries).</param>
    /// <exception cref="ArgumentException">Fewer results than buses.</exception>
    public void ComputeGroup(ReadOnlySpan<int> buses, IReadOnlyList<BusHeadroom> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count < buses.Length)
        {
            throw new ArgumentException($"expected {buses.Length} results, got {results.Count}.", nameof(results));
        }

        if (buses.Length == 1 || Options.Criterion == ContingencyCriterion.N0 || UsePairIndex)
        {
            for (var i = 0; i < buses.Length; i++)
            {
                Compute(buses[i], results[i]);
            }

            return;
        }

        var t0 = Stopwatch.GetTimestamp();
        var warm = new SortedSet<int>();
        var live = new List<int>();
        var betas = new List<double[]>();
        var works = new List<double[]>();
        var ubs = new List<double>();
        for (var i = 0; i < buses.Length; i++)
        {
            var result = results[i];
            ArgumentNullException.ThrowIfNull(result, nameof(results));
            result.Bus = buses[i];
            if (!Sensitivities.Model.IsEnergised(buses[i]))
            {
                FillMissing(result);
                continue;
            }

            var beta = new double[_mPad];
            FillSensitivity(buses[i], beta);
            var work = new double[_stepsPad];
            ComputeN0(beta, work, result, out var ub1);
            foreach (var l in result.N0Branch)
            {
                if (l >= 0)
                {
                    warm.Add(l);
                }
            }

            live.Add(i);
            betas.Add(beta);
            works.Add(work);
            ubs.Add(ub1);
        }

        if (live.Count == 0)
        {
            return;
        }

        var ub = ubs.ToArray();
        var t1 = Stopwatch.GetTimestamp();
        var cands = GroupSweep.Run(this, betas, ub, WarmStart ? [.. warm] : default);
        var t2 = Stopwatch.GetTimestamp();
        for (var j = 0; j < live.Count; j++)
        {
            FinishN1(cands[j], ub[j], works[j], results[live[j]]);
        }

        var t3 = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _phaseTicks[0], t1 - t0);
        Interlocked.Add(ref _phaseTicks[1], t2 - t1);
        Interlocked.Add(ref _phaseTicks[3], t3 - t2);
    }

    /// <summary>
    /// N-0 of one bus (bound every branch, keep those that can be the minimum, evaluate them at every step); leaves the
    /// N-0 headroom in <paramref name="work"/> and the largest N-0 headroom of the period (an upper bound of the N-1
    /// headroom at every step) in <paramref name="ub1"/>. False when only N-0 is computed (the N-1 fields are filled).
    /// </summary>
    private bool ComputeN0(double[] beta, double[] work, BusHeadroom result, out double ub1) =>
        ComputeN0(_m, _mPad, _a, _b, _c, _rateN0, beta, work, result, out ub1);

    /// <summary>As <see cref="ComputeN0(double[], double[], BusHeadroom, out double)"/> over another set of branches
    /// (a what-if: <paramref name="m"/> branches, flow coefficients and ratings padded to <paramref name="mPad"/>).</summary>
    internal bool ComputeN0(int m, int mPad, double[] a, double[] b, double[] c, double[] rateN0, double[] beta, double[] work,
        BusHeadroom result, out double ub1)
    {
        var cand = new Candidates();
        var cap = Options.CapMw;
        var ub = cap;
        BoundBranches(m, mPad, beta, a, b, c, rateN0, -1, 0, cand, ref ub);
        cand.Filter(ub);
        result.N0Candidates = cand.Count;
        var h0 = result.N0Mw;
        var id0 = new double[_stepsPad];
        Array.Fill(work, cap);
        Array.Fill(id0, -1);
        if (UseWeekBlocks)
        {
            cand.EvaluateBlocked(_ds, _pv, work, id0, 0, _blocks);
        }
        else
        {
            cand.Evaluate(_ds, _pv, work, id0, 0);
        }

        CopyOut(work, id0, h0, result.N0Branch, cand, branchOf: true);
        ub1 = 0.0;
        if (Options.Criterion == ContingencyCriterion.N0)
        {
            Array.Fill(result.N1Mw, double.NaN);
            Array.Fill(result.N1Branch, -1);
            Array.Fill(result.N1Contingency, -1);
            result.N1Candidates = 0;
            return false;
        }

        for (var t = 0; t < _steps; t++)
        {
            ub1 = Math.Max(ub1, h0[t]);
        }

        return true;
    }

    /// <summary>
    /// Keeps the N-1 limits whose lower bound is at most the final upper bound (in contingency, branch order) and
    /// evaluates them at every step, starting from the N-0 headroom in <paramref name="work"/> so that a tie keeps the
    /// base case, then the lowest contingency, then the lowest branch.
    /// </summary>
    internal void FinishN1(Candidates c1, double ub1, double[] work, BusHeadroom result)
    {
        c1.Filter(ub1);
        result.N1Candidates = c1.Count;
        var id1 = new double[_stepsPad];
        Array.Fill(id1, -1);
        if (UseWeekBlocks)
        {
            c1.EvaluateBlocked(_ds, _pv, work, id1, 0, _blocks);
        }
        else
        {
            c1.Evaluate(_ds, _pv, work, id1, 0);
        }

        for (var t = 0; t < _steps; t++)
        {
            result.N1Mw[t] = work[t];
            var k = (int)id1[t];
            if (k < 0)
            {
                result.N1Branch[t] = result.N0Branch[t];
                result.N1Contingency[t] = -1;
            }
            else
            {
                result.N1Branch[t] = c1.Branch[k];
                result.N1Contingency[t] = c1.Contingency[k];
            }
        }
    }

    /// <summary>
    /// The naive method (the benchmark baseline and the tests' reference): every monitored branch, every contingency,
    /// every step, no pruning. Writes steps [<paramref name="firstStep"/>, firstStep + count) of the result.
    /// </summary>
    public void ComputeNaive(int bus, BusHeadroom result, int firstStep = 0, int count = -1)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Bus = bus;
        if (count < 0)
        {
            count = _steps - firstStep;
        }

        if (!Sensitivities.Model.IsEnergised(bus))
        {
            FillMissing(result);
            return;
        }

        var beta = new double[_mPad];
        FillSensitivity(bus, beta);
        var eps = Options.Epsilon;
        var cap = Options.CapMw;
        var n1 = Options.Criterion == ContingencyCriterion.N1;
        for (var t = firstStep; t < firstStep + count; t++)
        {
            double ds = _ds[t], pv = _pv[t];
            double h = cap;
            var hb = -1;
            for (var l = 0; l < _m; l++)
            {
                var g = Limit(_rateN0[l], (_a[l] + (ds * _b[l])) + (pv * _c[l]), beta[l], eps);
                if (g < h)
                {
                    h = g;
                    hb = l;
                }
            }

            result.N0Mw[t] = h;
            result.N0Branch[t] = hb;
            if (!n1)
            {
                result.N1Mw[t] = double.NaN;
                result.N1Branch[t] = -1;
                result.N1Contingency[t] = -1;
                continue;
            }

            int h1b = hb, h1c = -1;
            foreach (var c in _contingencies)
            {
                var lodf = Sensitivities.LodfColumn(c);
                double ac = _a[c], bc = _b[c], cc = _c[c], betac = beta[c];
                for (var l = 0; l < _m; l++)
                {
                    var lf = lodf[l];
                    var f = ((_a[l] + (lf * ac)) + (ds * (_b[l] + (lf * bc)))) + (pv * (_c[l] + (lf * cc)));
                    var g = Limit(_rateN1[l], f, beta[l] + (lf * betac), eps);
                    if (g < h)
                    {
                        h = g;
                        h1b = l;
                        h1c = c;
                    }
                }
            }

            result.N1Mw[t] = h;
            result.N1Branch[t] = h1b;
            result.N1Contingency[t] = h1c;
        }
    }

    /// <summary>One limit of formats.md §3: (rate ∓ f)/|β| in the direction the load pushes, at least 0; +∞ if |β| ≤ ε.</summary>
    internal static double Limit(double rate, double flow, double beta, double eps)
    {
        if (beta > eps)
        {
            return Math.Max(0, (rate - flow) / beta);
        }

        if (beta < -eps)
        {
            return Math.Max(0, (rate + flow) / -beta);
        }

        return double.PositiveInfinity;
    }

    /// <summary>Post-contingency A, B, C and β of every branch for contingency c (same expressions as the naive method).</summary>
    internal void PostContingency(ReadOnlySpan<double> lodf, double[] beta, int c, double[] betaPost, double[] aPost, double[] bPost, double[] cPost) =>
        PostContingency(_m, _a, _b, _c, lodf, beta, c, betaPost, aPost, bPost, cPost);

    /// <summary>As the instance overload over another set of <paramref name="m"/> branches (a what-if).</summary>
    internal static void PostContingency(int m, double[] a, double[] b, double[] cf, ReadOnlySpan<double> lodf, double[] beta, int c,
        double[] betaPost, double[] aPost, double[] bPost, double[] cPost)
    {
        double ac = a[c], bc = b[c], cc = cf[c], betac = beta[c];
        for (var l = 0; l < m; l++)
        {
            var lf = lodf[l];
            aPost[l] = a[l] + (lf * ac);
            bPost[l] = b[l] + (lf * bc);
            cPost[l] = cf[l] + (lf * cc);
            betaPost[l] = beta[l] + (lf * betac);
        }
    }

    internal double[] RatingsN0 => _rateN0;

    internal double[] FlowA => _a;

    internal double[] FlowB => _b;

    internal double[] FlowC => _c;

    internal (double D0, double D1, double S0, double S1) Box => (_d0, _d1, _s0, _s1);

    /// <summary>Pairs screened through the index for the last N-1 bus (diagnostics; racy across threads).</summary>
    internal int PairsScreened { get; private set; }

    /// <summary>
    /// Sweeps the pairs in ascending bus-independent bound until the bound exceeds the running upper bound; the same
    /// per-pair bound arithmetic as BoundBranches. False when the index does not cover this bus (its upper
    /// bound reaches pairs not stored): the caller then runs the full sweep.
    /// </summary>
    private bool ScreenWithIndex(double[] beta, Candidates cand, ref double ub)
    {
        var idx = _pairIndex.Value;
        var bounds = idx.Bound;
        var eps = Options.Epsilon;
        double d0 = _d0, d1 = _d1, s0 = _s0, s1 = _s1;
        var i = 0;
        for (; i < bounds.Length && bounds[i] <= ub; i++)
        {
            int l = idx.Branch[i], c = idx.Contingency[i];
            var lf = idx.Lodf[i];
            var bp = beta[l] + (lf * beta[c]);
            var pos = bp > eps;
            if (!pos && !(bp < -eps))
            {
                continue;
            }

            var ap = _a[l] + (lf * _a[c]);
            var bb = _b[l] + (lf * _b[c]);
            var cp = _c[l] + (lf * _c[c]);
            var (fHi, fLo) = Candidates.FlowRange(ap, bb, cp, d0, d1, s0, s1);
            var r = _rateN1[l];
            var absb = Math.Abs(bp);
            var lb = Math.Max(0, (pos ? r - fHi : r + fLo) / absb);
            var ubj = Math.Max(0, (pos ? r - fLo : r + fHi) / absb);
            if (ubj < ub)
            {
                ub = ubj;
            }

            if (lb <= ub)
            {
                cand.Add(c, l, ap, bb, cp, r, pos, absb, lb);
            }
        }

        PairsScreened = i;
        if (i == bounds.Length && ub >= idx.Threshold)
        {
            return false;
        }

        cand.SortByContingencyThenBranch();
        return true;
    }

    internal double[] RatingsN1 => _rateN1;

    internal void CountPairChecks(long ticks) => Interlocked.Add(ref _phaseTicks[2], ticks);

    internal void CountGroupScreening(long visited, long passed)
    {
        Interlocked.Add(ref _groupVisited, visited);
        Interlocked.Add(ref _groupPassed, passed);
    }

    internal int PaddedBranches => _mPad;

    internal double[] DemandScale => _ds;

    internal int PaddedSteps => _stepsPad;

    internal double[] Solar => _pv;

    internal void FillSensitivity(int bus, double[] beta)
    {
        var col = Sensitivities.PtdfColumn(bus);
        var slack = _islandSlack[Sensitivities.Model.Topology.IslandOf(bus)];
        for (var l = 0; l < _m; l++)
        {
            beta[l] = slack[l] - col[l];
        }
    }

    /// <summary>
    /// Bounds every branch limit over the period; keeps those whose lower bound may be ≤ the running upper bound and
    /// tightens that bound with each limit's own upper bound. Vectorised; no division in the loop (a relaxed
    /// multiplication test keeps a superset, filtered exactly later).
    /// </summary>
    internal void BoundBranches(double[] beta, double[] a, double[] b, double[] c, double[] rate, int contingency, int skip,
        Candidates cand, ref double ub) => BoundBranches(_m, _mPad, beta, a, b, c, rate, contingency, skip, cand, ref ub);

    /// <summary>As the shorter overload over another set of <paramref name="m"/> branches padded to <paramref name="mPad"/>.</summary>
    internal void BoundBranches(int m, int mPad, double[] beta, double[] a, double[] b, double[] c, double[] rate, int contingency, int skip,
        Candidates cand, ref double ub)
    {
        var w = Vector<double>.Count;
        var eps = new Vector<double>(Options.Epsilon);
        var negEps = -eps;
        var zero = Vector<double>.Zero;
        var relax = new Vector<double>(1 + 1e-9);
        var box = new BoxCorners(_d0, _d1, _s0, _s1);
        var vub = new Vector<double>(ub);
        for (var l = 0; l < mPad; l += w)
        {
            var bc = new Vector<double>(beta, l);
            var pos = Vector.GreaterThan(bc, eps);
            var neg = Vector.LessThan(bc, negEps);
            var active = pos | neg;
            if (active == Vector<long>.Zero)
            {
                continue;
            }

            var va = new Vector<double>(a, l);
            var vb = new Vector<double>(b, l);
            var vc = new Vector<double>(c, l);
            var r = new Vector<double>(rate, l);
            var (fHi, fLo) = Candidates.FlowRange(va, vb, vc, box);
            var numLb = Vector.ConditionalSelect(pos, r - fHi, r + fLo);
            var numUb = Vector.ConditionalSelect(pos, r - fLo, r + fHi);
            var absb = Vector.Abs(bc);
            var scaled = vub * absb;
            // Keep: active and LB ≤ ub (relaxed). Improve: active and UB < ub.
            var keep = active & Vector.LessThanOrEqual(numLb, scaled * relax);
            var improve = active & Vector.LessThan(numUb, scaled);
            if (keep == Vector<long>.Zero && improve == Vector<long>.Zero)
            {
                continue;
            }

            for (var j = 0; j < w; j++)
            {
                var i = l + j;
                if (i >= m || i == skip && contingency >= 0 || (keep[j] == 0 && improve[j] == 0))
                {
                    continue;
                }

                var s = pos[j] != 0;
                var absbj = Math.Abs(beta[i]);
                var lb = Math.Max(0, (s ? rate[i] - fHi[j] : rate[i] + fLo[j]) / absbj);
                var ubj = Math.Max(0, (s ? rate[i] - fLo[j] : rate[i] + fHi[j]) / absbj);
                if (ubj < ub)
                {
                    ub = ubj;
                    vub = new Vector<double>(ub);
                }

                if (lb <= ub)
                {
                    cand.Add(contingency, i, a[i], b[i], c[i], rate[i], s, absbj, lb);
                }
            }
        }
    }

    private static void CopyOut(double[] h, double[] id, double[] outH, int[] outBranch, Candidates cand, bool branchOf)
    {
        for (var t = 0; t < outH.Length; t++)
        {
            outH[t] = h[t];
            var k = (int)id[t];
            outBranch[t] = k < 0 ? -1 : branchOf ? cand.Branch[k] : cand.Contingency[k];
        }
    }

    internal static void FillMissing(BusHeadroom result)
    {
        Array.Fill(result.N0Mw, double.NaN);
        Array.Fill(result.N1Mw, double.NaN);
        Array.Fill(result.N0Branch, -1);
        Array.Fill(result.N1Branch, -1);
        Array.Fill(result.N1Contingency, -1);
    }

    private static double[] Padded(ReadOnlySpan<double> source, int length, double pad)
    {
        var result = new double[length];
        source.CopyTo(result);
        for (var i = source.Length; i < length; i++)
        {
            result[i] = pad;
        }

        return result;
    }

    private static double[][] BuildSlack(Sensitivities s, Balancing balance)
    {
        var model = s.Model;
        var islands = model.Topology.Islands;
        var result = new double[islands.Length][];
        for (var i = 0; i < islands.Length; i++)
        {
            result[i] = new double[model.BranchCount];
            if (balance == Balancing.Reference || !islands[i].IsEnergised)
            {
                continue; // reference balancing: the PTDF columns already withdraw at the island's reference
            }

            var weights = new double[model.BusCount];
            var any = false;
            foreach (var g in model.Network.Generators)
            {
                if (g.InService && g.Pg > 0 && model.Topology.IslandOf(g.BusIndex) == i)
                {
                    weights[g.BusIndex] += g.Pg;
                    any = true;
                }
            }

            if (any)
            {
                result[i] = s.SlackColumn(weights);
            }
        }

        return result;
    }
}

/// <summary>Time spent in each phase of the grouped N-1 computation (<see cref="HeadroomEngine.GroupPhases"/>).</summary>
/// <param name="N0">Sensitivities and N-0 of every bus.</param>
/// <param name="Screening">The pass over the (contingency, branch) pairs, including <paramref name="PairChecks"/>.</param>
/// <param name="PairChecks">Pairs that passed the group bound, checked bus by bus (estimated from a sample).</param>
/// <param name="Evaluation">The kept N-1 limits evaluated at every step.</param>
public readonly record struct HeadroomPhaseTimes(TimeSpan N0, TimeSpan Screening, TimeSpan PairChecks, TimeSpan Evaluation);

/// <summary>
/// A bus's headroom without its floor at 0 (<see cref="HeadroomEngine.ComputeBelowZero"/>, decision 0234): per step, below 0
/// by the MW of load the bus must shed for every line to be within its limit. Branch and contingency indexes are 0-based;
/// -1 means none (capped) or, for the contingency, the base case.
/// </summary>
/// <param name="N0Mw">N-0 headroom, MW (negative where a line is over its normal rating with everything in service).</param>
/// <param name="N0Branch">The branch that sets <paramref name="N0Mw"/>.</param>
/// <param name="SecureMw">The secure headroom (N-1, or N-0 when only N-0 is computed), MW.</param>
/// <param name="SecureBranch">The branch that sets <paramref name="SecureMw"/>.</param>
/// <param name="SecureContingency">The outage under which it does, or -1 for the base case.</param>
public sealed record SignedHeadroom(double[] N0Mw, int[] N0Branch, double[] SecureMw, int[] SecureBranch, int[] SecureContingency);
