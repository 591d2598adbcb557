using WattBit.Time;

namespace WattBit.Simulation.Engine;

/// <summary>How much a DC can draw in a period under each connection kind with the same peak.</summary>
/// <param name="PeakMw">The flexible connection's peak, MW.</param>
/// <param name="Hours">Hours covered (slots with data).</param>
/// <param name="FirmMw">Firm: the period's lowest flexible limit (usable at every hour), MW.</param>
/// <param name="ProvisionalProfileMw">Provisional: per JST hour, the period's lowest flexible limit, MW.</param>
/// <param name="FirmMwh">Energy drawable at the firm limit, MWh.</param>
/// <param name="ProvisionalMwh">Energy drawable following the provisional profile, MWh.</param>
/// <param name="FlexibleMwh">Energy drawable following the flexible (dynamic) limit, MWh.</param>
public sealed record ConnectionComparison(double PeakMw, double Hours, double FirmMw, IReadOnlyList<double> ProvisionalProfileMw,
    double FirmMwh, double ProvisionalMwh, double FlexibleMwh);

/// <summary>
/// Compares firm, provisional and flexible connections for one area (decision 0061): the flexible limit follows the
/// area's net load, the provisional profile is its lowest value in each JST hour over the period, and a firm contract is
/// its lowest value over the whole period. Works on real imported actuals as well as the synthetic year. Stateless.
/// </summary>
public static class ConnectionStudy
{
    /// <summary>Compares the three kinds for a DC able to draw up to <paramref name="peakMw"/>.</summary>
    /// <param name="demand">Area demand, MW.</param>
    /// <param name="solar">Solar output, MW.</param>
    /// <param name="wind">Wind output, MW.</param>
    /// <param name="peakMw">Peak of the flexible connection, MW (positive).</param>
    /// <exception cref="ArgumentOutOfRangeException">The peak is not positive.</exception>
    public static ConnectionComparison Compare(TimeSeries demand, TimeSeries solar, TimeSeries wind, double peakMw)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peakMw);
        var shape = SimulationWorld.HeadroomShape(demand, solar, wind);
        var profile = SimulationWorld.ProvisionalProfile(shape, peakMw);
        var firm = profile.Min();
        var hoursPerSlot = shape.Step.TotalHours;
        double hours = 0, firmMwh = 0, provisionalMwh = 0, flexibleMwh = 0;
        for (var i = 0; i < shape.Count; i++)
        {
            if (double.IsNaN(shape[i]))
            {
                continue;
            }

            hours += hoursPerSlot;
            firmMwh += firm * hoursPerSlot;
            provisionalMwh += profile[shape.TimeAt(i).ToOffset(Jst.Offset).Hour] * hoursPerSlot;
            flexibleMwh += shape[i] * peakMw * hoursPerSlot;
        }

        return new ConnectionComparison(peakMw, hours, firm, profile, firmMwh, provisionalMwh, flexibleMwh);
    }
}
