using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The batteries of one policy's run (decision 0065) and the day's cheap and dear hours they act on: state of charge per
/// site, energy charged and delivered. Only a policy that honours limits uses its batteries; for the others every site's
/// battery stays idle. One per simulated policy; not thread-safe.
/// </summary>
internal sealed class BatteryBank
{
    // Arbitrage pays only on days whose dear quarter beats the cheap one by more than a typical round trip (0.95²).
    private const double RoundTrip = 0.9;

    private readonly SimulationWorld _world;
    private readonly double[][] _forecast;
    private readonly bool _active;
    private readonly IReadOnlyList<SiteSpec> _sites;
    private readonly double[] _soc;
    private readonly bool[] _cheap;
    private readonly bool[] _dear;
    private readonly double[] _low;
    private readonly double[] _score;
    private (double Low, double High)[] _quartiles = [];

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
        var areas = world.AreaCodes.Count;
        _cheap = new bool[areas];
        _dear = new bool[areas];
        _low = new double[areas];
        _score = new double[areas];
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

    /// <summary>Reads the day's forecast: its 25th and 75th percentile per area are what the batteries call cheap and dear.</summary>
    public void BeginDay(int day, int dayEnd)
    {
        _quartiles = new (double, double)[_forecast.Length];
        var buffer = new double[dayEnd - day];
        for (var a = 0; a < _forecast.Length; a++)
        {
            _forecast[a].AsSpan(day, dayEnd - day).CopyTo(buffer);
            Array.Sort(buffer);
            _quartiles[a] = (buffer[(buffer.Length - 1) / 4], buffer[3 * (buffer.Length - 1) / 4]);
        }
    }

    /// <summary>Marks which areas are cheap (or curtailing) and dear at step <paramref name="t"/>.</summary>
    public void BeginStep(int t)
    {
        for (var a = 0; a < _forecast.Length; a++)
        {
            var q = _quartiles[a];
            _cheap[a] = (_forecast[a][t] <= q.Low && q.High * RoundTrip > q.Low) || _world.CurtailedMw[a][t] > 0;
            _dear[a] = _forecast[a][t] >= q.High;
            _low[a] = q.Low;
            _score[a] = _forecast[a][t];
        }
    }

    /// <summary>
    /// The battery of site <paramref name="s"/> (area <paramref name="a"/>) at step <paramref name="t"/>: it covers draw
    /// above the limit (the job load let run under a curtailment order), else charges in the day's cheapest forecast
    /// quarter (on days when the dearest quarter beats it by more than a round trip's loss) or while the area curtails
    /// renewables, else discharges in the dearest quarter, when that beats the cheap quarter by more than the round-trip
    /// loss, down to half its usable energy (the rest is kept for orders). Returns the grid draw after it, MW.
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
        double charge = 0, discharge = 0;
        if (draw > limit)
        {
            discharge = Math.Min(draw - limit, Available(s));
        }
        else if (_cheap[a])
        {
            charge = Math.Max(0, Math.Min(Math.Min(b.MaxPower.Megawatts, limit - draw), ((b.MaxSoc * e) - _soc[s]) / (b.ChargeEfficiency * h)));
        }
        else if (_dear[a] && _score[a] * b.ChargeEfficiency * b.DischargeEfficiency > _low[a])
        {
            var reserve = (b.MinSoc + b.MaxSoc) / 2 * e;
            discharge = Math.Max(0, Math.Min(Math.Min(b.MaxPower.Megawatts, draw), (_soc[s] - reserve) * b.DischargeEfficiency / h));
        }

        _soc[s] += (charge * b.ChargeEfficiency * h) - (discharge / b.DischargeEfficiency * h);
        ChargedMwh += charge * h;
        DischargedMwh += discharge * h;
        return draw + charge - discharge;
    }

    /// <summary>Power the battery of site <paramref name="s"/> can deliver now, MW (0 without one or when the batteries are not used).</summary>
    public double Available(int s) => _active && _sites[s].Battery is { } b
        ? Math.Min(b.MaxPower.Megawatts, Math.Max(0, _soc[s] - (b.MinSoc * b.EnergyCapacity.MegawattHours)) * b.DischargeEfficiency / _world.StepHours)
        : 0;
}
