using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The batteries of one policy's run (decisions 0065, 0171) and the day's paying steps they act on: state of charge per
/// site, energy charged and delivered. Only a policy that honours limits uses its batteries; for the others every site's
/// battery stays idle. One per simulated policy; not thread-safe.
/// </summary>
internal sealed class BatteryBank
{
    private readonly SimulationWorld _world;
    private readonly double[][] _forecast;
    private readonly bool _active;
    private readonly IReadOnlyList<SiteSpec> _sites;
    private readonly double[] _soc;
    private readonly int[] _fill;
    private readonly int[] _pairs;
    private readonly long[] _usedDays;
    private readonly double[] _delivered;
    private int[][] _rank = [];
    private int[][] _sorted = [];
    private readonly double _margin;
    private int _day, _length, _step;

    /// <summary>Creates the bank of one run.</summary>
    /// <param name="world">The world.</param>
    /// <param name="forecast">The forecast score the policy plans on [area][step].</param>
    /// <param name="active">Whether the batteries are used (the policy honours limits).</param>
    public BatteryBank(SimulationWorld world, double[][] forecast, bool active)
    {
        _world = world;
        _forecast = forecast;
        _active = active;
        _sites = world.Scenario.Sites;
        _soc = [.. _sites.Select(x => x.Battery?.InitialEnergy.MegawattHours ?? 0)];
        _margin = 1 + (2 * world.Scenario.ForecastError);
        _pairs = new int[_sites.Count];
        _usedDays = new long[_sites.Count];
        _delivered = new double[_sites.Count];

        // Steps at full power that fill the arbitrage band, from the half kept for orders to the maximum state of charge.
        _fill = [.. _sites.Select(x => x.Battery is { } b
            ? (int)Math.Ceiling(((b.MaxSoc - b.MinSoc) / 2 * b.EnergyCapacity.MegawattHours) / (b.MaxPower.Megawatts * b.ChargeEfficiency * world.StepHours) - 1e-9)
            : 0)];
    }

    /// <summary>Energy taken from the grid, MWh.</summary>
    public double ChargedMwh { get; private set; }

    /// <summary>Energy delivered to the sites, MWh.</summary>
    public double DischargedMwh { get; private set; }

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
    /// Schedules the day's arbitrage on the forecast: in each area the day's steps are ranked by forecast score; the
    /// k-th cheapest step is paired with the k-th dearest, and a pair pays when the dear score times the battery's round
    /// trip (charge × discharge efficiency) beats the cheap one by more than twice the forecast's relative error (so
    /// that it still pays when the forecast was wrong by a usual amount). Each battery charges in the cheap steps of its paying
    /// pairs and discharges in their dear ones, no more pairs than it takes to fill its arbitrage band (from the half kept
    /// for orders to its maximum state of charge) at full power. A day with no paying pair leaves it idle.
    /// </summary>
    public void BeginDay(int day, int dayEnd)
    {
        var length = dayEnd - day;
        if (_rank.Length != _forecast.Length || _rank[0].Length < length)
        {
            _rank = [.. _forecast.Select(_ => new int[length])];
            _sorted = [.. _forecast.Select(_ => new int[length])];
        }

        _day = day;
        _length = length;
        for (var a = 0; a < _forecast.Length; a++)
        {
            var f = _forecast[a];
            var order = _sorted[a];
            for (var i = 0; i < length; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, 0, length, Comparer<int>.Create((x, y) =>
            {
                var c = f[day + x].CompareTo(f[day + y]);
                return c != 0 ? c : x.CompareTo(y);
            }));
            for (var i = 0; i < length; i++)
            {
                _rank[a][order[i]] = i;
            }
        }

        for (var s = 0; s < _sites.Count; s++)
        {
            if (_sites[s].Battery is not { } b)
            {
                continue;
            }

            var a = _world.SiteArea[s];
            var f = _forecast[a];
            var order = _sorted[a];
            var trip = b.ChargeEfficiency * b.DischargeEfficiency;
            var paying = 0;
            while (paying < length / 2 && f[day + order[length - 1 - paying]] * trip > f[day + order[paying]] * _margin)
            {
                paying++;
            }

            _pairs[s] = Math.Min(paying, _fill[s]);
            if (_pairs[s] > 0)
            {
                _usedDays[s]++;
            }
        }
    }

    /// <summary>Notes the step <paramref name="t"/> the batteries act in.</summary>
    public void BeginStep(int t) => _step = t - _day;

    /// <summary>
    /// The battery of site <paramref name="s"/> (area <paramref name="a"/>) at step <paramref name="t"/>: it covers draw
    /// above the limit (the job load let run under a curtailment order), else charges in a cheap step of a paying pair
    /// (within the limit), else discharges in a dear step of one, down to half its usable energy (the rest is kept for
    /// orders). Returns the grid draw after it, MW.
    /// </summary>
    public double Apply(int s, int t, int a, double draw)
    {
        if (!_active || _sites[s].Battery is not { } b)
        {
            return draw;
        }

        var h = _world.StepHours;
        var e = b.EnergyCapacity.MegawattHours;
        var limit = _world.LimitMw[s][t];
        var rank = _rank[a][_step];
        double charge = 0, discharge = 0;
        if (draw > limit)
        {
            discharge = Math.Min(draw - limit, Available(s));
        }
        else if (rank < _pairs[s])
        {
            charge = Math.Max(0, Math.Min(Math.Min(b.MaxPower.Megawatts, limit - draw), ((b.MaxSoc * e) - _soc[s]) / (b.ChargeEfficiency * h)));
        }
        else if (rank >= _length - _pairs[s])
        {
            var reserve = (b.MinSoc + b.MaxSoc) / 2 * e;
            discharge = Math.Max(0, Math.Min(Math.Min(b.MaxPower.Megawatts, draw), (_soc[s] - reserve) * b.DischargeEfficiency / h));
        }

        _soc[s] += (charge * b.ChargeEfficiency * h) - (discharge / b.DischargeEfficiency * h);
        ChargedMwh += charge * h;
        DischargedMwh += discharge * h;
        _delivered[s] += discharge * h;
        return draw + charge - discharge;
    }

    /// <summary>Batteries that delivered no energy over the period (no arbitrage paid and no order needed them).</summary>
    public int Idle => _sites.Select((x, i) => x.Battery is not null && _delivered[i] <= 1e-9).Count(idle => idle);

    /// <summary>Batteries in the fleet.</summary>
    public int Count => _sites.Count(x => x.Battery is not null);

    /// <summary>Days on which some battery had a paying pair of steps, summed over the batteries.</summary>
    public long PayingBatteryDays => _usedDays.Sum();

    /// <summary>Power the battery of site <paramref name="s"/> can deliver now, MW (0 without one or when the batteries are not used).</summary>
    public double Available(int s) => _active && _sites[s].Battery is { } b
        ? Math.Min(b.MaxPower.Megawatts, Math.Max(0, _soc[s] - (b.MinSoc * b.EnergyCapacity.MegawattHours)) * b.DischargeEfficiency / _world.StepHours)
        : 0;
}
