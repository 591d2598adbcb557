using WattBit.Planning.Planner;
using WattBit.Simulation.Policies;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The batteries of one policy's run (decisions 0065, 0171, 0179): state of charge per site, energy charged and
/// delivered, and each day's schedule from the planner's battery LP (<see cref="BatteryArbitrage"/>) on the score the
/// policy plans on as known at the day's midnight (<see cref="PolicyContext.View"/>: the day's published prices where they
/// are published). Only a policy that honours limits uses its batteries; for the others every site's battery stays idle.
/// One per simulated policy; not thread-safe.
/// </summary>
internal sealed class BatteryBank
{
    private readonly SimulationWorld _world;
    private readonly PolicyContext _context;
    private readonly bool _active;
    private readonly IReadOnlyList<SiteSpec> _sites;
    private readonly double[] _soc;
    private readonly double[] _floor;
    private readonly double _margin;
    private readonly int _perDay;
    private readonly double[][] _charge;
    private readonly double[][] _discharge;
    private readonly bool[] _scheduled;
    private readonly long[] _usedDays;
    private readonly double[] _charged;
    private readonly double[] _delivered;
    private readonly double[] _net;
    private int _day;

    /// <summary>Creates the bank of one run.</summary>
    /// <param name="world">The world.</param>
    /// <param name="context">The policy's context (committed job load per site and step).</param>
    /// <param name="active">Whether the batteries are used (the policy honours limits and the run keeps its batteries).</param>
    public BatteryBank(SimulationWorld world, PolicyContext context, bool active)
    {
        _world = world;
        _context = context;
        _active = active;
        _sites = world.Scenario.Sites;
        _soc = [.. _sites.Select(x => x.Battery?.InitialEnergy.MegawattHours ?? 0)];
        _floor = new double[_sites.Count];
        _margin = 1 + (2 * world.Scenario.ForecastError);
        _perDay = Math.Max(1, (int)Math.Round(24 / world.StepHours));
        _charge = [.. _sites.Select(_ => new double[_perDay])];
        _discharge = [.. _sites.Select(_ => new double[_perDay])];
        _scheduled = new bool[_sites.Count];
        _usedDays = new long[_sites.Count];
        _charged = new double[_sites.Count];
        _delivered = new double[_sites.Count];
        _net = new double[_sites.Count];
    }

    /// <summary>Energy taken from the grid, MWh.</summary>
    public double ChargedMwh { get; private set; }

    /// <summary>Energy delivered to the sites, MWh.</summary>
    public double DischargedMwh { get; private set; }

    /// <summary>Battery LPs solved (site-days on which some round trip could pay).</summary>
    public long Solves { get; private set; }

    /// <summary>Change of the stored energy since the start, MWh.</summary>
    public double EnergyChangeMwh => _sites.Select((x, i) => _soc[i] - (x.Battery?.InitialEnergy.MegawattHours ?? 0)).Sum();

    /// <summary>Equivalent full cycles: energy delivered over the fleet's usable battery energy.</summary>
    public double Cycles
    {
        get
        {
            var usable = _sites.Sum(x => x.Battery is { } b ? (b.MaxSoc - b.MinSoc) * b.EnergyCapacity.MegawattHours : 0);
            return usable > 0 ? DischargedMwh / usable : 0;
        }
    }

    /// <summary>
    /// Schedules the day's arbitrage of every battery with the planner's battery LP on the score of its area as known at
    /// the day's midnight:
    /// charge within the planned room under the site's planned limit (its committed jobs and the inference forecast
    /// drawn first), discharge within the site's planned draw, the state of charge within [the reserve kept for orders
    /// (half the usable band), max SoC], the day ending with at least the energy it began with. A charge counts at its
    /// forecast value times (1 + 2 × forecast error), so a round trip is made only when its value after the efficiency
    /// losses beats the charge by that margin (no margin on a day whose prices are published: they are known); a day where
    /// none pays leaves the battery idle.
    /// </summary>
    public void BeginDay(int day, int dayEnd)
    {
        _day = day;
        var length = dayEnd - day;
        if (!_active)
        {
            return;
        }

        // The margin covers the forecast's error; a day whose prices are published is known, and a round trip on it pays
        // exactly when its value after the losses beats the charge.
        var margin = _context.View.KnownThrough >= dayEnd ? 1 : _margin;
        var chargeRoom = new double[length];
        var dischargeRoom = new double[length];
        for (var s = 0; s < _sites.Count; s++)
        {
            _scheduled[s] = false;
            if (_sites[s].Battery is not { } b)
            {
                continue;
            }

            var e = b.EnergyCapacity.MegawattHours;
            var reserve = (b.MinSoc + b.MaxSoc) / 2 * e;
            _floor[s] = Math.Min(reserve, _soc[s]);
            var value = _context.Forecast[_world.SiteArea[s]].AsSpan(day, length);
            if (!BatteryArbitrage.MayPay(b, value, margin))
            {
                continue;
            }

            var pue = _context.Pue[s];
            var inference = _context.Workload.InferenceMw[s];
            for (var i = 0; i < length; i++)
            {
                var t = day + i;
                var planned = pue * (_context.Load[s][t] + (inference[t >= _perDay ? t - _perDay : t] * 1.05));
                chargeRoom[i] = _world.PlannedLimitMw[s][t] - planned;
                dischargeRoom[i] = Math.Max(0, planned);
            }

            Solves++;
            var plan = BatteryArbitrage.Schedule(b, _world.StepHours, value, chargeRoom, dischargeRoom, _soc[s], _floor[s], margin);
            if (plan.Idle)
            {
                continue;
            }

            plan.ChargeMw.CopyTo(_charge[s], 0);
            plan.DischargeMw.CopyTo(_discharge[s], 0);
            _scheduled[s] = true;
            _usedDays[s]++;
        }
    }

    /// <summary>
    /// The battery of site <paramref name="s"/> at step <paramref name="t"/>, drawing <paramref name="draw"/> MW before it: it covers draw above the limit (the job
    /// load let run under a curtailment order), else follows the day's schedule as far as the actual step allows
    /// (charging never beyond the limit or max SoC, discharging never beyond the site's draw or below the day's floor).
    /// Returns the grid draw after it, MW.
    /// </summary>
    public double Apply(int s, int t, double draw)
    {
        if (!_active || _sites[s].Battery is not { } b)
        {
            return draw;
        }

        var h = _world.StepHours;
        var e = b.EnergyCapacity.MegawattHours;
        var limit = _world.LimitMw[s][t];
        double charge = 0, discharge = 0;
        if (draw > limit)
        {
            discharge = Math.Min(draw - limit, Available(s));
        }
        else if (_scheduled[s])
        {
            var i = t - _day;
            var net = _charge[s][i] - _discharge[s][i];
            if (net > 0)
            {
                charge = Math.Max(0, Math.Min(Math.Min(net, limit - draw), ((b.MaxSoc * e) - _soc[s]) / (b.ChargeEfficiency * h)));
            }
            else if (net < 0)
            {
                discharge = Math.Max(0, Math.Min(Math.Min(-net, draw), (_soc[s] - _floor[s]) * b.DischargeEfficiency / h));
            }
        }

        _soc[s] += (charge * b.ChargeEfficiency * h) - (discharge / b.DischargeEfficiency * h);
        ChargedMwh += charge * h;
        DischargedMwh += discharge * h;
        _charged[s] += charge * h;
        _delivered[s] += discharge * h;
        _net[s] = charge - discharge;
        return draw + charge - discharge;
    }

    /// <summary>
    /// Lifts the grid draw of site <paramref name="s"/> at step <paramref name="t"/> towards <paramref name="floor"/>
    /// after <see cref="Apply"/> (上げDR, decision 0196): the battery discharges less, then charges more, within its
    /// power, max SoC and the site's limit. Returns the grid draw after it, MW.
    /// </summary>
    /// <param name="s">Site index.</param>
    /// <param name="t">Step (the one <see cref="Apply"/> was last called for at this site).</param>
    /// <param name="draw">The site's draw after <see cref="Apply"/> (and any work started for the floor), MW.</param>
    /// <param name="floor">The draw wanted, MW.</param>
    public double Raise(int s, int t, double draw, double floor)
    {
        if (!_active || _sites[s].Battery is not { } b || floor <= draw)
        {
            return draw;
        }

        var h = _world.StepHours;
        var before = _net[s];
        var wanted = Math.Min(floor, _world.LimitMw[s][t]) - draw;
        var net = Math.Min(before + Math.Max(0, wanted), b.MaxPower.Megawatts);

        // Undo this step's action on the state of charge, then book the new one (charging only up to max SoC).
        var soc = _soc[s] - (Math.Max(0, before) * b.ChargeEfficiency * h) + (Math.Max(0, -before) / b.DischargeEfficiency * h);
        if (net > 0)
        {
            net = Math.Min(net, Math.Max(0, ((b.MaxSoc * b.EnergyCapacity.MegawattHours) - soc) / (b.ChargeEfficiency * h)));
        }

        net = Math.Max(net, before);
        var (charge, discharge) = (Math.Max(0, net), Math.Max(0, -net));
        var (charged, delivered) = (Math.Max(0, before), Math.Max(0, -before));
        _soc[s] = soc + (charge * b.ChargeEfficiency * h) - (discharge / b.DischargeEfficiency * h);
        ChargedMwh += (charge - charged) * h;
        DischargedMwh += (discharge - delivered) * h;
        _charged[s] += (charge - charged) * h;
        _delivered[s] += (discharge - delivered) * h;
        _net[s] = net;
        return draw + net - before;
    }

    /// <summary>Batteries that delivered no energy over the period (no arbitrage paid and no order needed them).</summary>
    public int Idle => _sites.Select((x, i) => x.Battery is not null && _delivered[i] <= 1e-9).Count(idle => idle);

    /// <summary>Batteries in the fleet.</summary>
    public int Count => _sites.Count(x => x.Battery is not null);

    /// <summary>Days on which some battery had a paying schedule, summed over the batteries.</summary>
    public long PayingBatteryDays => _usedDays.Sum();

    /// <summary>Per battery (sites with one, in scenario order; none when the batteries are not used): what it charged and delivered and on how many days it had a paying schedule.</summary>
    public IReadOnlyList<BatteryUse> Uses() => !_active ? [] : [.. _sites.Select((x, i) => (x, i)).Where(p => p.x.Battery is not null).Select(p =>
        new BatteryUse(p.i, _charged[p.i], _delivered[p.i], _delivered[p.i] / ((p.x.Battery!.MaxSoc - p.x.Battery.MinSoc) * p.x.Battery.EnergyCapacity.MegawattHours),
            _usedDays[p.i], _soc[p.i] - p.x.Battery.InitialEnergy.MegawattHours))];

    /// <summary>Power the battery of site <paramref name="s"/> can deliver now, MW (0 without one or when the batteries are not used).</summary>
    public double Available(int s) => _active && _sites[s].Battery is { } b
        ? Math.Min(b.MaxPower.Megawatts, Math.Max(0, _soc[s] - (b.MinSoc * b.EnergyCapacity.MegawattHours)) * b.DischargeEfficiency / _world.StepHours)
        : 0;
}

/// <summary>What one battery did over the period.</summary>
/// <param name="Site">Index of its site.</param>
/// <param name="ChargedMwh">Energy it took from the grid, MWh.</param>
/// <param name="DeliveredMwh">Energy it delivered to the site (the energy shifted), MWh.</param>
/// <param name="Cycles">Equivalent full cycles: delivered over its usable energy ((max − min SoC) × capacity).</param>
/// <param name="PayingDays">Days on which its LP found a round trip that pays.</param>
/// <param name="EnergyChangeMwh">Change of its stored energy over the period, MWh.</param>
public sealed record BatteryUse(int Site, double ChargedMwh, double DeliveredMwh, double Cycles, long PayingDays, double EnergyChangeMwh);
