using System.Globalization;
using WattBit.Formats;
using WattBit.Planning.Flexibility;
using WattBit.Planning.Model;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;
using WattBit.Simulation.Scenarios;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Simulation.DemandResponse;

/// <summary>
/// Demand response in the digital twin (decision 0147). For every policy that honours grid limits: its run without
/// requests is the schedule the fleet would follow; from it each site of the request's area offers, for the window,
/// its battery's sustainable discharge beyond what the run already takes, the grid power of interruptible jobs running
/// then whose deadline allows the wait, and its on-site generator when the operator allows it for DR, it starts within
/// the notice and its fuel holds for the window; the area's offers are committed cheapest first until the request is
/// met, each site only for what the ERAB baseline it expects from its own schedule would credit (decision 0194). The
/// policy then runs again with every committed site's limit in the window cut to the lower of its draw and that baseline,
/// less the battery and work it committed (delivered like a curtailment order: the engine's order response, the planner's dispatcher under
/// wattbit-planner), its generator covering the rest. Delivery is measured with the ERAB baseline (High 4 of 5 with the
/// same-day adjustment) on each site's 30-minute meter built from the run's own per-site draws, never from counters.
/// Stateless and thread-safe.
/// </summary>
public static class DrSimulation
{
    private const double SlotHours = 0.5;

    /// <summary>Every request of the section over the world's period: the stated ones and those generated from price spikes, by start.</summary>
    /// <param name="world">The world (its prices decide the spikes).</param>
    /// <param name="spec">The section.</param>
    public static IReadOnlyList<DrRequest> Requests(SimulationWorld world, DrSpec spec)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(spec);
        var all = new List<DrRequest>(spec.Requests);
        if (spec.PriceSpikes is { } spikes)
        {
            var a = AreaIndex(world, spikes.Area);
            var price = world.Price[a];
            var perDay = (int)Math.Round(24 / world.StepHours);
            for (var day = 0; day + perDay <= world.Steps; day += perDay)
            {
                int first = -1, last = -1;
                for (var t = day; t < day + perDay; t++)
                {
                    if (price[t] >= spikes.AboveYenPerKwh)
                    {
                        first = first < 0 ? t : first;
                        last = t;
                    }
                }

                var from = world.TimeAt(day).ToOffset(Jst.Offset);
                if (first < 0 || all.Exists(r => r.Area == spikes.Area && r.Start.ToOffset(Jst.Offset).Date == from.Date))
                {
                    continue;
                }

                var issued = from.AddDays(-1).AddHours(spikes.IssuedHour);
                all.Add(new DrRequest(string.Create(CultureInfo.InvariantCulture, $"spike-{from:yyyy-MM-dd}"), DrRequestKind.PriceSpike, spikes.Area,
                    world.TimeAt(first).ToOffset(Jst.Offset), world.TimeAt(last + 1).ToOffset(Jst.Offset), spikes.Mw, issued, null, spikes.Line));
            }
        }

        if (spec.Surplus is { } surplus)
        {
            // Up requests (上げDR, decision 0196): one per day on which the area's solar and wind are curtailed.
            var a = AreaIndex(world, surplus.Area);
            var curtailed = world.CurtailedMw[a];
            var perDay = (int)Math.Round(24 / world.StepHours);
            for (var day = 0; day + perDay <= world.Steps; day += perDay)
            {
                int first = -1, last = -1;
                for (var t = day; t < day + perDay; t++)
                {
                    if (curtailed[t] > surplus.AboveMw)
                    {
                        first = first < 0 ? t : first;
                        last = t;
                    }
                }

                var from = world.TimeAt(day).ToOffset(Jst.Offset);
                if (first < 0 || all.Exists(r => r.Area == surplus.Area && r.IsUp && r.Start.ToOffset(Jst.Offset).Date == from.Date))
                {
                    continue;
                }

                var issued = from.AddDays(-1).AddHours(surplus.IssuedHour);
                all.Add(new DrRequest(string.Create(CultureInfo.InvariantCulture, $"surplus-{from:yyyy-MM-dd}"), DrRequestKind.Surplus, surplus.Area,
                    world.TimeAt(first).ToOffset(Jst.Offset), world.TimeAt(last + 1).ToOffset(Jst.Offset), surplus.Mw, issued, surplus.PriceYenPerKwh, surplus.Line,
                    FlexDirection.Up));
            }
        }

        return [.. all.OrderBy(r => r.Start).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    /// <summary>The generator of every site (null where none), as <see cref="DrGenerators"/> fits them.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="spec">The generators, or null for none.</param>
    public static IReadOnlyList<OnSiteGenerator?> Generators(SimulationScenario scenario, DrGenerators? spec)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var result = new OnSiteGenerator?[scenario.Sites.Count];
        if (spec is null || spec.Share <= 0)
        {
            return result;
        }

        // Spread evenly within each area: the i-th site of an area gets one when the running share crosses the next whole site.
        foreach (var area in scenario.Sites.Select(x => x.Area.Code).Distinct().Where(a => spec.Areas.Count == 0 || spec.Areas.Contains(a)))
        {
            var eligible = Enumerable.Range(0, scenario.Sites.Count).Where(s => scenario.Sites[s].Area.Code == area).ToArray();
            var placed = 0;
            for (var i = 0; i < eligible.Length; i++)
            {
                if ((int)Math.Floor((i + 1) * spec.Share) > placed)
                {
                    placed++;
                    var site = scenario.Sites[eligible[i]];
                    var g = spec.Template;
                    result[eligible[i]] = new OnSiteGenerator(Power.FromMegawatts(spec.PowerShare * site.ItMw), g.FuelHours, g.StartupTime, g.Emissions, g.FuelCost,
                        g.UseForDemandResponse);
                }
            }
        }

        return result;
    }

    /// <summary>Runs the scenario's demand-response section on a finished simulation (its runs are the runs without requests).</summary>
    /// <param name="reference">The simulation of the scenario, whose <see cref="SimulationScenario.DemandResponse"/> is set.</param>
    /// <param name="isHoliday">Whether a date is a Japanese public holiday (the host passes the calendar; weekends and the year-end days are known to the baseline).</param>
    /// <param name="time">Wall clock used only to time the runs.</param>
    /// <param name="cancellationToken">Stops the runs.</param>
    /// <param name="forecasting">The forecasting the reference run planned on (the host's composition; null for AR(1)): the runs with requests
    /// plan on the same forecasts, so the two runs differ only by the requests.</param>
    /// <exception cref="ArgumentException">The scenario has no demand-response section.</exception>
    public static DrSimulationResult Run(SimulationResult reference, Func<DateOnly, bool> isHoliday, TimeProvider time, CancellationToken cancellationToken = default,
        SimulationForecasting? forecasting = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(isHoliday);
        ArgumentNullException.ThrowIfNull(time);
        var world = reference.World;
        var spec = world.Scenario.DemandResponse ?? throw new ArgumentException($"{world.Scenario.Name}: the scenario has no demand_response section.", nameof(reference));
        var requests = Requests(world, spec);
        var generators = Generators(world.Scenario, spec.Generators);
        var outcomes = new DrPolicyOutcome[reference.Policies.Count];
        Parallel.For(0, outcomes.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var without = reference.Policies[i];
            outcomes[i] = PolicyFactory.Create(without.Policy).HonoursLimits
                ? Policy(reference, without, requests, generators, spec.PremiumYenPerKwh, isHoliday, time, forecasting, cancellationToken)
                : new DrPolicyOutcome(without.Policy, false, [], without, null);
        });

        var priceSource = spec.PriceSpikes is { } sp
            ? world.Sources.FirstOrDefault(x => x.Area == sp.Area && x.Series.Contains("price", StringComparison.OrdinalIgnoreCase)) is { } src
                ? $"{sp.Area} day-ahead price: {src.Label} ({src.Source})" : $"{sp.Area} day-ahead price"
            : "no price spikes";
        return new DrSimulationResult(requests, outcomes, generators.Count(g => g is not null), priceSource);
    }

    private static DrPolicyOutcome Policy(SimulationResult reference, PolicyResult without, IReadOnlyList<DrRequest> requests, IReadOnlyList<OnSiteGenerator?> generators,
        double premium, Func<DateOnly, bool> isHoliday, TimeProvider time, SimulationForecasting? forecasting, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var world = reference.World;
        var scenario = world.Scenario;
        var jobs = reference.Workload.Jobs;
        var sites = scenario.Sites;
        var piecesBySite = new List<JobPiece>[sites.Count];
        for (var s = 0; s < sites.Count; s++)
        {
            piecesBySite[s] = [];
        }

        foreach (var p in without.JobPieces)
        {
            piecesBySite[p.Site].Add(p);
        }

        var soc = BatteryEnergy(world, without);

        // Offers and commitments, request by request, on the run without requests.
        var commitments = new List<(DrRequest Request, int From, int To, List<Offer> Offers, double OfferedMw, string? Note)>();
        var limits = world.LimitMw.Select(l => (double[])l.Clone()).ToArray();
        var generatorMw = new double[sites.Count][];
        double[][]? floors = null;
        var committedDays = new HashSet<DateOnly>[sites.Count];
        foreach (var q in requests)
        {
            var a = AreaIndex(world, q.Area);
            var (from, to) = (Index(world, q.Start), Index(world, q.End));
            var day = DateOnly.FromDateTime(q.Start.ToOffset(Jst.Offset).DateTime);
            var offers = new List<Offer>();
            for (var s = 0; s < sites.Count; s++)
            {
                var offer = world.SiteArea[s] != a ? null
                    : q.IsUp ? UpOfferOf(world, jobs, without, piecesBySite[s], soc, s, from, to, premium)
                    : OfferOf(world, jobs, without, piecesBySite[s], soc, generators[s], s, from, to, q, premium);
                if (offer is not null)
                {
                    // What the baseline will credit (decision 0194): the ERAB baseline the site expects, from its own
                    // schedule (the run without requests) with its earlier DR days left out of the pool, per step. For
                    // an up request the gap is how far the schedule stands below it (decision 0196).
                    offer.Baseline = ExpectedBaseline(world, without.SiteGridMw[s], offer.SiteId, from, to, q, committedDays[s]?.Where(d => d < day).ToHashSet() ?? [], isHoliday);
                    for (var t = from; offer.Baseline is { } b && t < to; t++)
                    {
                        var above = without.SiteGridMw[s][t] - b[t - from];
                        offer.Gap[t - from] = Math.Max(0, q.IsUp ? -above : above);
                        offer.GapMw = Math.Max(offer.GapMw, offer.Gap[t - from]);
                    }

                    offers.Add(offer);
                }
            }

            // Per 30-minute slot (decision 0214): each site offers, in every slot, the creditable part of its offer at that
            // step (battery and work at the area's price plus the premium, then its generator, the site priced at the dearer
            // part it offers), and the fleet answers with the one per-slot answer the server and library use.
            var slotsPerStep = (int)Math.Round(world.StepHours / SlotHours);
            var slotOffers = new List<FlexibilityOffer>();
            var direction = q.IsUp ? FlexDirection.Up : FlexDirection.Down;
            foreach (var o in offers)
            {
                for (var k = 0; k < to - from; k++)
                {
                    var (grid, generation) = (o.CreditableGridMw(k), o.CreditableGeneratorMw(k));
                    if (grid + generation <= 1e-9)
                    {
                        continue;
                    }

                    var price = EnergyPrice.FromYenPerKilowattHour(generation > 1e-9 ? Math.Max(o.Price, o.GeneratorPrice) : o.Price);
                    for (var j = 0; j < slotsPerStep; j++)
                    {
                        var start = world.TimeAt(from + k) + (j * CommitmentProfile.Slot);
                        slotOffers.Add(new FlexibilityOffer(new SiteId(o.SiteId), q.Area, new TimeWindow(start, start + CommitmentProfile.Slot), direction,
                            Power.FromMegawatts(grid + generation), Power.FromMegawatts(Math.Min(grid, o.BatteryMw)), Power.FromMegawatts(Math.Max(0, grid - o.BatteryMw)),
                            TimeSpan.Zero, price, Power.FromMegawatts(generation)));
                    }
                }
            }

            var answer = AreaRequests.AnswerBySlot(new AreaRequest(q.Id, q.Area, direction, Power.FromMegawatts(q.Mw), new TimeWindow(q.Start, q.End), q.IssuedAt), slotOffers);
            foreach (var c in answer.Commitments)
            {
                // Within a slot the battery and work carry the commitment first, the generator the rest.
                var o = offers.First(x => x.SiteId == c.Site.Value);
                o.Profile = c.Profile;
                for (var k = 0; k < to - from; k++)
                {
                    var taken = Enumerable.Range(k * slotsPerStep, slotsPerStep).Max(i => c.Profile!.Slots[i].Megawatts);
                    o.CommittedWork[k] = Math.Min(taken, o.CreditableGridMw(k));
                    o.CommittedGenerator[k] = taken - o.CommittedWork[k];
                }
            }

            var offered = offers.Sum(o => o.BatteryMw + o.WorkMw + o.GeneratorMw);
            var creditable = offers.Sum(o => Enumerable.Range(0, to - from).Average(k => o.CreditableGridMw(k) + o.CreditableGeneratorMw(k)));
            var note = answer.Note.Length > 0
                ? string.Create(CultureInfo.InvariantCulture, $"the area's offers hold {offered:0.##} of the {q.Mw:0.##} MW asked (mean over the window), {creditable:0.##} MW of it creditable against the expected baseline; {answer.Note}")
                : null;
            foreach (var o in offers.Where(o => o.Committed))
            {
                // The target is the meter at the expected baseline less the commitment: the draw is cut to
                // min(draw, baseline) − committed work (never deeper than the battery and work offered); the generator
                // carries its commitment.
                (committedDays[o.Site] ??= []).Add(day);
                if (q.IsUp)
                {
                    // The floor: the meter at the expected baseline plus the commitment, never above the draw plus the
                    // battery and work offered (decision 0196). The engine starts work placed later, then charges.
                    floors ??= [.. world.LimitMw.Select(_ => new double[world.Steps])];
                    for (var t = from; t < to; t++)
                    {
                        var k = t - from;
                        if (o.CommittedWork[k] <= 0)
                        {
                            continue; // nothing committed in this step's slots
                        }

                        var draw = without.SiteGridMw[o.Site][t];
                        var target = Math.Min(draw + o.GridMw[k], Math.Max(draw, o.Baseline![k]) + o.CommittedWork[k]);
                        floors[o.Site][t] = Math.Max(floors[o.Site][t], target);
                    }

                    continue;
                }

                generatorMw[o.Site] ??= new double[world.Steps];
                for (var t = from; t < to; t++)
                {
                    var k = t - from;
                    if (o.CommittedWork[k] + o.CommittedGenerator[k] <= 0)
                    {
                        continue; // nothing committed in this step's slots
                    }

                    var draw = without.SiteGridMw[o.Site][t];
                    var target = Math.Max(draw - o.GridMw[k], Math.Min(draw, o.Baseline![k]) - o.CommittedWork[k]);
                    limits[o.Site][t] = Math.Min(limits[o.Site][t], Math.Max(0, target));
                    generatorMw[o.Site][t] = Math.Max(generatorMw[o.Site][t], o.CommittedGenerator[k]);
                }
            }

            commitments.Add((q, from, to, offers, offered, note));
        }

        if (commitments.TrueForAll(c => c.Offers.TrueForAll(o => !o.Committed)))
        {
            return new DrPolicyOutcome(without.Policy, true, [.. commitments.Select(c => new DrRequestOutcome(c.Request, c.OfferedMw, [], c.Note))], without, without)
            {
                Timing = new DrTiming(time.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero),
            };
        }

        // The run with the committed reductions: the same world and workload, the committed sites' actual limits cut in the windows.
        var offersTime = time.GetElapsedTime(started);
        var rerunStarted = time.GetTimestamp();
        var one = world.WithActualLimits(scenario with { Policies = [without.Policy] }, limits, floors);
        // The engine's batteries-off run (decision 0179) is not read here: not made. The forecasts are the reference run's
        // (the same signals; building them again was most of the DR time, docs/dr.md), else built as it built them.
        var with = Simulator.Run(one, reference.Workload, time, cancellationToken: cancellationToken, forecasting: forecasting, batteriesOffRuns: false,
            sameForecastsAs: reference.ForecastScore is null ? null : reference).Policies[0];
        var rerunTime = time.GetElapsedTime(rerunStarted);
        var meteringStarted = time.GetTimestamp();

        // Each site's meter: its draw in the run with requests, less what its generator produced, in 30-minute slots.
        var metered = new double[sites.Count][];
        for (var s = 0; s < sites.Count; s++)
        {
            if (committedDays[s] is not null)
            {
                var g = generatorMw[s] ?? new double[world.Steps];
                var m = new double[world.Steps];
                for (var t = 0; t < m.Length; t++)
                {
                    m[t] = with.SiteGridMw[s][t] - Math.Min(g[t], with.SiteGridMw[s][t]);
                }

                metered[s] = m;
            }
        }

        var eventDays = new HashSet<DateOnly>[sites.Count];
        foreach (var c in commitments)
        {
            foreach (var o in c.Offers.Where(o => o.Committed))
            {
                (eventDays[o.Site] ??= []).Add(DateOnly.FromDateTime(c.Request.Start.ToOffset(Jst.Offset).DateTime));
            }
        }

        var outcomes = new List<DrRequestOutcome>(commitments.Count);
        foreach (var c in commitments)
        {
            var a = AreaIndex(world, c.Request.Area);
            var siteOutcomes = c.Offers.Select(o => Measure(world, without, with, metered[o.Site], generators[o.Site], o, c.Request, a, c.From, c.To,
                eventDays[o.Site], isHoliday)).ToList();
            outcomes.Add(new DrRequestOutcome(c.Request, c.OfferedMw, siteOutcomes, c.Note));
        }

        return new DrPolicyOutcome(without.Policy, true, outcomes, without, with)
        {
            Timing = new DrTiming(offersTime, rerunTime, with.Elapsed, with.WithoutBatteries?.Elapsed ?? TimeSpan.Zero, time.GetElapsedTime(meteringStarted)),
        };
    }

    // The ERAB baseline the site expected over the window when it committed, kWh, or null.
    private static double? Expected(Offer o, SimulationWorld world) => o.Baseline is { } b ? b.Sum() * 1000 * world.StepHours : null;

    // What one site offers for a request on the run without requests, or null when nothing.
    private static Offer? OfferOf(SimulationWorld world, JobSet jobs, PolicyResult run, List<JobPiece> pieces, double[][] soc, OnSiteGenerator? generator,
        int s, int from, int to, DrRequest q, double premium)
    {
        var site = world.Scenario.Sites[s];
        var h = world.StepHours;
        var hours = (to - from) * h;

        // Battery: its power not already discharging in the window, and the energy above its floor spread over the window.
        double battery = 0;
        if (site.Battery is { } b && soc[s].Length > 0)
        {
            double room = b.MaxPower.Megawatts, planned = 0;
            for (var t = from; t < to; t++)
            {
                var delivered = Math.Max(0, (site.Pue * run.SiteItMw[s][t]) - run.SiteGridMw[s][t]);
                room = Math.Min(room, b.MaxPower.Megawatts - delivered);
                planned += delivered * h;
            }

            var usable = ((soc[s][from] - (b.MinSoc * b.EnergyCapacity.MegawattHours)) * b.DischargeEfficiency) - planned;
            battery = Math.Max(0, Math.Min(room, usable / hours));
        }

        // Work: interruptible jobs running in each step of the window at this site that can wait the window out and still
        // meet their deadline (per step: the commitment is per slot, decision 0214).
        var byStep = new double[to - from];
        foreach (var p in pieces)
        {
            if (p.To <= from || p.From >= to || p.To + (to - from) > jobs.Deadline[p.Job])
            {
                continue;
            }

            for (var t = Math.Max(p.From, from); t < Math.Min(p.To, to); t++)
            {
                byStep[t - from] += jobs.PowerMw[p.Job] * site.Pue;
            }
        }

        // Each step: battery then work within the draw, then the generator (allowed for DR, started within the notice, at
        // the output its fuel holds for the whole window) for the rest of the draw.
        var sustained = generator is { UseForDemandResponse: true } g && g.StartupTime <= q.Notice
            ? g.MaxPower.Megawatts * Math.Min(1, g.FuelHours.TotalHours / hours) : 0;
        var (batteryAt, workAt, generationAt) = (new double[to - from], new double[to - from], new double[to - from]);
        var any = false;
        for (var k = 0; k < to - from; k++)
        {
            var draw = Math.Max(0, (double)run.SiteGridMw[s][from + k]);
            var grid = Math.Min(draw, battery + byStep[k]);
            batteryAt[k] = Math.Min(battery, grid);
            workAt[k] = grid - batteryAt[k];
            generationAt[k] = Math.Max(0, Math.Min(draw - grid, sustained));
            any |= grid + generationAt[k] > 1e-9;
        }

        if (!any)
        {
            return null;
        }

        var price = 0.0;
        for (var t = from; t < to; t++)
        {
            price += world.Price[world.SiteArea[s]][t];
        }

        price = (price / (to - from)) + premium;
        var generatorPrice = (generator?.FuelCost.YenPerKilowattHour ?? 0) + premium;
        return new Offer(s, site.Id, batteryAt, workAt, generationAt, price, generatorPrice);
    }

    // What one site offers for an up request (上げDR, decision 0196) on the run without requests, or null when nothing:
    // work placed after the window that is already released by its start (the engine starts it early, the one placed
    // soonest first, so the offer is the level that order keeps at every step of the window), then the battery's
    // charging power not already in use and the room above its state of charge spread over the window; all within the
    // room under the site's limit at every step.
    private static Offer? UpOfferOf(SimulationWorld world, JobSet jobs, PolicyResult run, List<JobPiece> pieces, double[][] soc, int s, int from, int to, double premium)
    {
        var site = world.Scenario.Sites[s];
        var h = world.StepHours;
        var hours = (to - from) * h;
        var room = double.PositiveInfinity;
        for (var t = from; t < to; t++)
        {
            room = Math.Min(room, Math.Min(world.LimitMw[s][t], world.PlannedLimitMw[s][t]) - run.SiteGridMw[s][t]);
        }

        if (!(room > 1e-9))
        {
            return null;
        }

        // Work: the level x (grid MW) the engine's order keeps at every step, by bisection.
        var waiting = pieces.Where(p => p.From >= to && jobs.Release[p.Job] <= from).OrderBy(p => p.From).ThenBy(p => p.Job)
            .Select(p => (Mw: jobs.PowerMw[p.Job] * site.Pue, Steps: p.To - p.From)).ToArray();
        double low = 0, high = Math.Min(room, waiting.Sum(w => w.Mw));
        for (var i = 0; i < 40 && high - low > 1e-6; i++)
        {
            var mid = (low + high) / 2;
            if (Keeps(waiting, mid, to - from))
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        var work = low;

        // Battery: charging power not in use at every step, and the room above its state of charge over the window.
        double battery = 0;
        if (site.Battery is { } b && soc[s].Length > 0)
        {
            double power = b.MaxPower.Megawatts, planned = 0;
            for (var t = from; t < to; t++)
            {
                var net = run.SiteGridMw[s][t] - (site.Pue * run.SiteItMw[s][t]);
                power = Math.Min(power, b.MaxPower.Megawatts - net);
                planned += Math.Max(0, net) * h;
            }

            var headroom = ((b.MaxSoc * b.EnergyCapacity.MegawattHours) - soc[s][from]) / b.ChargeEfficiency - planned;
            battery = Math.Max(0, Math.Min(power, headroom / hours));
        }

        work = Math.Min(work, room);
        battery = Math.Min(battery, room - work);
        if (work + battery <= 1e-9)
        {
            return null;
        }

        var price = 0.0;
        for (var t = from; t < to; t++)
        {
            price += world.Price[world.SiteArea[s]][t];
        }

        var n = to - from;
        return new Offer(s, site.Id, Enumerable.Repeat(battery, n).ToArray(), Enumerable.Repeat(work, n).ToArray(), new double[n], (price / n) + premium, premium);

        // Whether starting waiting jobs, soonest placed first, whenever the started ones fall below x keeps x at every step.
        static bool Keeps((double Mw, int Steps)[] waiting, double x, int length)
        {
            var ends = new double[length + 1];
            double running = 0;
            var next = 0;
            for (var k = 0; k < length; k++)
            {
                running -= ends[k];
                while (running < x - 1e-9 && next < waiting.Length)
                {
                    var (mw, steps) = waiting[next++];
                    running += mw;
                    if (k + steps < length)
                    {
                        ends[k + steps] += mw;
                    }
                }

                if (running < x - 1e-9)
                {
                    return false;
                }
            }

            return true;
        }
    }

    // The 30-minute meter of one site from a per-step MW series, from the baseline's look-back before step from to step to.
    private static MeterReadings SiteMeter(SimulationWorld world, Func<int, double> mw, string siteId, int from, int to)
    {
        var slotsPerStep = (int)Math.Round(world.StepHours / SlotHours);
        var lookback = Math.Max(0, from - (int)Math.Ceiling((BaselineRules.Erab.LookbackDays + 1) * 24 / world.StepHours));
        var slots = new List<(DateTimeOffset, double)>((to - lookback) * slotsPerStep);
        for (var t = lookback; t < to; t++)
        {
            for (var k = 0; k < slotsPerStep; k++)
            {
                slots.Add((world.TimeAt(t) + TimeSpan.FromHours(k * SlotHours), mw(t) * 1000 * SlotHours));
            }
        }

        return MeterCsv.FromSlots($"{siteId} (simulated meter)", slots);
    }

    // The ERAB baseline the site can expect for the window, MW per step, from its schedule without requests (the same-day
    // adjustment from the hours it plans before the event), or null when it cannot be computed (too early in the run).
    private static double[]? ExpectedBaseline(SimulationWorld world, float[] scheduled, string siteId, int from, int to, DrRequest q, IReadOnlySet<DateOnly> excluded,
        Func<DateOnly, bool> isHoliday)
    {
        var result = DrBaseline.Compute(SiteMeter(world, t => scheduled[t], siteId, from, to), new TimeWindow(q.Start, q.End), isHoliday, excluded, BaselineRules.Erab);
        if (!result.IsComputable)
        {
            return null;
        }

        var mw = new double[to - from];
        foreach (var slot in result.Slots)
        {
            mw[Index(world, slot.Start) - from] += slot.Baseline.KilowattHours / 1000 / world.StepHours;
        }

        return mw;
    }

    private static DrSiteOutcome Measure(SimulationWorld world, PolicyResult without, PolicyResult with, double[]? metered, OnSiteGenerator? generator, Offer o,
        DrRequest q, int area, int from, int to, HashSet<DateOnly>? eventDays, Func<DateOnly, bool> isHoliday)
    {
        var s = o.Site;
        if (!o.Committed || metered is null)
        {
            return new DrSiteOutcome(o.SiteId, o.BatteryMw, o.WorkMw, o.GeneratorMw, 0, 0, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, o.GapMw, Expected(o, world));
        }

        // The commitment per 30-minute slot, and the generator's part of it.
        var profile = o.Profile!;
        var slotsPerStep = (int)Math.Round(world.StepHours / SlotHours);
        double[] committedSlots = [.. profile.Slots.Select(p => p.Megawatts)];
        double[] generatorSlots = [.. Enumerable.Range(0, committedSlots.Length).Select(i => o.CommittedGenerator[i / slotsPerStep])];
        var committed = profile.Peak.Megawatts;
        var committedGenerator = generatorSlots.Max();

        // The meter: 30-minute kWh from the run's own per-site draw, from the baseline's look-back to the event's end.
        var rules = BaselineRules.Erab;
        var meter = SiteMeter(world, t => metered[t], o.SiteId, from, to);
        var window = new TimeWindow(q.Start, q.End);
        var day = DateOnly.FromDateTime(q.Start.ToOffset(Jst.Offset).DateTime);
        IReadOnlySet<DateOnly> excluded = eventDays is null ? new HashSet<DateOnly>() : eventDays.Where(d => d != day).ToHashSet();
        var baseline = DrBaseline.Compute(meter, window, isHoliday, excluded, rules);

        double withoutKwh = 0, generatorMwh = 0;
        for (var t = from; t < to; t++)
        {
            withoutKwh += (q.IsUp ? metered[t] - without.SiteGridMw[s][t] : without.SiteGridMw[s][t] - metered[t]) * 1000 * world.StepHours;
            generatorMwh += (with.SiteGridMw[s][t] - metered[t]) * world.StepHours;
        }

        var tonnes = generator is null ? 0 : generatorMwh * generator.Emissions.GramsPerKilowattHour / 1000;
        var fuel = generator is null ? 0 : generatorMwh * 1000 * generator.FuelCost.YenPerKilowattHour;
        if (!baseline.IsComputable)
        {
            return new DrSiteOutcome(o.SiteId, o.BatteryMw, o.WorkMw, o.GeneratorMw, committed, committedGenerator, baseline.Reason, 0,
                metered.AsSpan(from, to - from).ToArray().Sum() * 1000 * world.StepHours, 0, profile.Energy.KilowattHours, withoutKwh, 0, generatorMwh, tonnes, fuel, o.GapMw,
                Expected(o, world))
            { CommittedSlotsMw = committedSlots, GeneratorSlotsMw = generatorSlots };
        }

        // Settled slot by slot within each slot's own commitment (decision 0200), paid at the request's price or the slot's.
        var credit = DrCredit.Settle(baseline, q.IsUp ? FlexDirection.Up : FlexDirection.Down, profile);
        double amount = 0;
        foreach (var slot in credit.Slots)
        {
            amount += slot.Credited.KilowattHours * (q.PriceYenPerKwh ?? world.Price[area][Index(world, slot.Start)]);
        }

        return new DrSiteOutcome(o.SiteId, o.BatteryMw, o.WorkMw, o.GeneratorMw, committed, committedGenerator, null,
            Energy.Sum(credit.Slots.Select(x => x.Baseline)).KilowattHours, Energy.Sum(credit.Slots.Select(x => x.Actual)).KilowattHours,
            credit.Credited.KilowattHours, credit.Shortfall.KilowattHours, withoutKwh, amount, generatorMwh, tonnes, fuel, o.GapMw, Expected(o, world))
        { CommittedSlotsMw = committedSlots, GeneratorSlotsMw = generatorSlots };
    }

    // Each battery's stored energy at the start of every step [site][step + 1], MWh, recomputed from the run's per-site
    // draws (grid draw − IT × PUE is what the battery took, negative what it delivered) from its initial state of charge.
    private static double[][] BatteryEnergy(SimulationWorld world, PolicyResult run)
    {
        var sites = world.Scenario.Sites;
        var result = new double[sites.Count][];
        for (var s = 0; s < sites.Count; s++)
        {
            if (sites[s].Battery is not { } b || run.SiteGridMw.Length == 0)
            {
                result[s] = [];
                continue;
            }

            var e = new double[world.Steps + 1];
            e[0] = b.InitialSoc * b.EnergyCapacity.MegawattHours;
            for (var t = 0; t < world.Steps; t++)
            {
                var flow = run.SiteGridMw[s][t] - (sites[s].Pue * run.SiteItMw[s][t]);
                e[t + 1] = e[t] + (flow >= 0 ? flow * b.ChargeEfficiency : flow / b.DischargeEfficiency) * world.StepHours;
            }

            result[s] = e;
        }

        return result;
    }

    private static int AreaIndex(SimulationWorld world, string area)
    {
        for (var a = 0; a < world.AreaCodes.Count; a++)
        {
            if (world.AreaCodes[a] == area)
            {
                return a;
            }
        }

        throw new ArgumentException($"unknown area '{area}'.", nameof(area));
    }

    private static int Index(SimulationWorld world, DateTimeOffset instant) =>
        (int)Math.Clamp((instant - world.Scenario.Start).Ticks / world.Scenario.Step.Ticks, 0, world.Steps);

    // One site's offer for a request, per step of the window (MW), and what it committed per step.
    private sealed class Offer(int site, string siteId, double[] batteryMw, double[] workMw, double[] generatorMw, double price, double generatorPrice)
    {
        public int Site { get; } = site;

        public string SiteId { get; } = siteId;

        /// <summary>Battery (and work) offered per step, MW: at the grid, so together within the step's draw.</summary>
        public double[] GridMw { get; } = [.. batteryMw.Select((b, k) => b + workMw[k])];

        /// <summary>The generator offered per step, MW.</summary>
        public double[] GeneratorAt { get; } = generatorMw;

        /// <summary>The battery's part, the window's mean, MW.</summary>
        public double BatteryMw { get; } = batteryMw.Average();

        /// <summary>The work's part, the window's mean, MW.</summary>
        public double WorkMw { get; } = workMw.Average();

        /// <summary>The generator's part, the window's mean, MW.</summary>
        public double GeneratorMw { get; } = generatorMw.Average();

        public double Price { get; } = price;

        public double GeneratorPrice { get; } = generatorPrice;

        /// <summary>Battery and work committed per step, MW.</summary>
        public double[] CommittedWork { get; } = new double[batteryMw.Length];

        /// <summary>Generation committed per step, MW.</summary>
        public double[] CommittedGenerator { get; } = new double[batteryMw.Length];

        /// <summary>The commitment per 30-minute slot, from the fleet's answer; null when the site committed nothing.</summary>
        public CommitmentProfile? Profile { get; set; }

        public bool Committed => Profile is not null && Profile.Peak > Power.Zero;

        /// <summary>The ERAB baseline the site expects per step of the window (MW), or null when it cannot be computed.</summary>
        public double[]? Baseline { get; set; }

        /// <summary>How far the scheduled draw stands above (below, for up) the expected baseline per step (MW, never below zero): offered change the baseline would not credit.</summary>
        public double[] Gap { get; } = new double[batteryMw.Length];

        /// <summary>The largest of <see cref="Gap"/> (never below zero), MW.</summary>
        public double GapMw { get; set; }

        /// <summary>The battery and work the baseline would credit at step k: the offer less the step's gap (nothing when the baseline cannot be computed).</summary>
        public double CreditableGridMw(int k) => Baseline is null ? 0 : Math.Max(0, GridMw[k] - Gap[k]);

        /// <summary>The generation the baseline would credit at step k: all of it once battery and work close the step's gap, else none.</summary>
        public double CreditableGeneratorMw(int k) => Baseline is null || Gap[k] > GridMw[k] + 1e-9 ? 0 : GeneratorAt[k];
    }
}
