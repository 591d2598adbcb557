namespace WattBit.Simulation.Policies;

/// <summary>
/// Several operators, each owning some sites and the work submitted at them (<see cref="Scenarios.SiteSpec.Operator"/>).
/// Each day every operator first places its own jobs within its own fleet exactly as <see cref="WattBitPolicy"/> does
/// (least slack first; the (area, start) with the lowest forecast score whose lowest-PUE site has room under its grid
/// limit; late within 48 h; else unserved). Without trading that is the whole policy (<c>operators-alone</c>). With
/// trading (<c>market</c>), every job is then offered, in the same order, the best placement at another operator's site
/// in the room left after that operator's own work: it is bought when it is on time and its forecast score × PUE is at
/// least <see cref="MinimumGain"/> lower than the job's own placement, or when the job's own placement was late or
/// unserved. Bought hours are settled at the seller's energy cost of the hour plus <see cref="Markup"/>
/// (<see cref="Reporting.OperatorAccounts"/>). Every placement honours the site's grid limit and the ties
/// (docs/decisions/0135). One per simulated policy; not thread-safe.
/// </summary>
/// <param name="trade">Whether operators trade spare room (market) or each keeps to its own fleet (operators alone).</param>
public sealed class MarketPolicy(bool trade) : SimulationPolicy
{
    /// <summary>The share by which a bought placement's forecast score × PUE must beat the job's own placement (5 %).</summary>
    public const double MinimumGain = 0.05;

    /// <summary>What a buyer pays on top of the seller's energy cost of each bought hour, as a share of that cost (10 %).</summary>
    public const double Markup = 0.10;

    private readonly WattBitPolicy _room = new();
    private int[] _owner = [];
    private int[][][] _own = [];
    private int[][][] _others = [];
    private JobSlot[] _slot = [];
    private bool[][] _ownSite = [];
    private bool[][] _otherSite = [];

    /// <summary>Whether operators trade spare room.</summary>
    public bool Trades => trade;

    /// <summary>Jobs whose placement was bought at another operator's site, over the run so far.</summary>
    public int Bought { get; private set; }

    /// <inheritdoc/>
    public override bool HonoursLimits => true;

    /// <summary>The operators of the scenario, in order of their first site; operator indices refer to this list.</summary>
    /// <param name="scenario">The scenario.</param>
    public static IReadOnlyList<string> Operators(Scenarios.SimulationScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return [.. scenario.Sites.Select(s => s.Operator).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The operator index (into <see cref="Operators"/>) of every site.</summary>
    /// <param name="scenario">The scenario.</param>
    public static int[] SiteOperator(Scenarios.SimulationScenario scenario)
    {
        var names = Operators(scenario);
        return [.. scenario.Sites.Select(s => IndexOf(names, s.Operator))];
    }

    /// <inheritdoc/>
    public override void Initialise(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _room.Initialise(context);
        var world = context.World;
        _owner = SiteOperator(world.Scenario);
        var operators = _owner.Length == 0 ? 0 : _owner.Max() + 1;
        _own = new int[operators][][];
        _others = new int[operators][][];
        _ownSite = new bool[operators][];
        _otherSite = new bool[operators][];
        for (var o = 0; o < operators; o++)
        {
            var op = o;
            _own[o] = [.. context.SitesByArea.Select(sites => sites.Where(s => _owner[s] == op).ToArray())];
            _others[o] = [.. context.SitesByArea.Select(sites => sites.Where(s => _owner[s] != op).ToArray())];
            _ownSite[o] = [.. _owner.Select(x => x == op)];
            _otherSite[o] = [.. _owner.Select(x => x != op)];
        }

        _slot = new JobSlot[context.Workload.Jobs.Count];
    }

    /// <inheritdoc/>
    public override void Order(PolicyContext context, Span<int> jobs)
    {
        ArgumentNullException.ThrowIfNull(context);
        _room.Order(context, jobs);
        var set = context.Workload.Jobs;

        // Every operator alone first: the day's own placements, committed as they are made so each sees the others.
        foreach (var j in jobs)
        {
            var slot = Search(context, j, set.Release[j], set.Duration[j], set.LatestStart(j), _owner[set.Home[j]], own: true, -1, 0, late: true);
            _slot[j] = slot;
            if (slot.Site >= 0)
            {
                context.Commit(j, slot.Site, slot.Start);
            }
        }

        if (trade)
        {
            foreach (var j in jobs)
            {
                var own = _slot[j];
                var d = set.Duration[j];
                var ownLate = own.Site >= 0 && own.Start + d > set.Deadline[j];
                var bought = Search(context, j, set.Release[j], d, set.LatestStart(j), _owner[set.Home[j]], own: false, -1, 0, late: false);
                if (bought.Site < 0)
                {
                    continue;
                }

                var better = own.Site < 0 || ownLate
                    || Score(context, bought, d) < Score(context, own, d) * (1 - MinimumGain);
                if (!better)
                {
                    continue;
                }

                if (own.Site >= 0)
                {
                    context.Uncommit(j, own.Site, own.Start, own.Start + d);
                }

                context.Commit(j, bought.Site, bought.Start);
                _slot[j] = bought;
                Bought++;
            }
        }

        // The engine commits what Place returns: take the day's tentative commits back out.
        foreach (var j in jobs)
        {
            var slot = _slot[j];
            if (slot.Site >= 0)
            {
                context.Uncommit(j, slot.Site, slot.Start, slot.Start + set.Duration[j]);
            }
        }
    }

    /// <inheritdoc/>
    public override JobSlot Place(PolicyContext context, int job) => _slot[job];

    /// <inheritdoc/>
    public override JobSlot Resume(PolicyContext context, int job, int earliest, int steps, int avoidSite, int avoidUntil)
    {
        ArgumentNullException.ThrowIfNull(context);
        var set = context.Workload.Jobs;
        var op = _owner[set.Home[job]];
        var last = set.Deadline[job] - steps;
        var own = Search(context, job, earliest, steps, last, op, own: true, avoidSite, avoidUntil, late: !trade);
        if (own.Site >= 0 || !trade)
        {
            return own;
        }

        // Trading: another operator's spare room on time, else the own fleet's or anyone's late room.
        var bought = Search(context, job, earliest, steps, last, op, own: false, avoidSite, avoidUntil, late: false);
        if (bought.Site >= 0)
        {
            Bought++;
            return bought;
        }

        own = Search(context, job, earliest, steps, last, op, own: true, avoidSite, avoidUntil, late: true);
        return own.Site >= 0 ? own : Search(context, job, earliest, steps, last, op, own: false, avoidSite, avoidUntil, late: true);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    // The forecast score of the grid energy of a placement (area score over the run × the site's PUE), per MW of IT.
    private static double Score(PolicyContext context, JobSlot slot, int duration) =>
        context.WindowScore(context.World.SiteArea[slot.Site], slot.Start, duration) * context.Pue[slot.Site];

    // One operator's sites (own: true) or every other operator's, through the WattBit search.
    private JobSlot Search(PolicyContext context, int job, int r, int d, int last, int op, bool own, int avoidSite, int avoidUntil, bool late) =>
        _room.Search(context, job, r, d, last, avoidSite, avoidUntil, own ? _own[op] : _others[op], own ? _ownSite[op] : _otherSite[op], late);
}
