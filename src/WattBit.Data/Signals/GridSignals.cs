using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Data.Signals;

/// <summary>Curtailed hours in one calendar month (JST).</summary>
/// <param name="Year">Year.</param>
/// <param name="Month">Month 1-12.</param>
/// <param name="Hours">Hours with curtailment above the threshold.</param>
/// <param name="CoveredHours">Hours of the month the data covers (not missing).</param>
public readonly record struct MonthlyCurtailment(int Year, int Month, double Hours, double CoveredHours);

/// <summary>
/// The signals WattBit plans with, computed from an area's mix: carbon intensity (production- and consumption-based),
/// renewable surplus (curtailment) and price. Missing inputs give missing (NaN) slots, never zeros. Thread-safe.
/// </summary>
public static class GridSignals
{
    /// <summary>Production-based carbon intensity of one area (see <see cref="CarbonIntensityCalculator"/>), gCO2/kWh.</summary>
    public static TimeSeries Carbon(AreaSupplyDemand data, EmissionBasis basis = EmissionBasis.Lifecycle, JapanFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return CarbonIntensityCalculator.Production(data.Series, basis, facts).WithName(data.Area.Code);
    }

    /// <summary>
    /// Consumption-based carbon intensity of every area in <paramref name="mixes"/>, tracing imports over
    /// <paramref name="flows"/> (see <see cref="FlowTracing"/>). Areas absent from <paramref name="mixes"/> but linked
    /// by a flow make the areas they feed missing (NaN) in the slots where they export to them.
    /// </summary>
    /// <param name="mixes">Each area's mix by area code (MW series keyed by <see cref="SupplyDemandKeys"/>), aligned with each other and with the flows.</param>
    /// <param name="flows">Inter-area flows.</param>
    /// <param name="basis">Direct or lifecycle.</param>
    /// <param name="facts">Emission factors; default shipped.</param>
    /// <returns>A carbon signal, locations = area codes in <paramref name="mixes"/> order.</returns>
    /// <exception cref="SeriesAlignmentException">The series are not aligned.</exception>
    public static SignalSet ConsumptionCarbon(IReadOnlyDictionary<string, IReadOnlyDictionary<string, TimeSeries>> mixes, InterAreaFlows flows,
        EmissionBasis basis = EmissionBasis.Lifecycle, JapanFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(mixes);
        ArgumentNullException.ThrowIfNull(flows);
        var production = new double[10][];
        var intensity = new double[10][];
        TimeSeries? reference = null;
        foreach (var (code, mix) in mixes)
        {
            var area = JapanAreas.Get(code);
            var (g, p) = CarbonIntensityCalculator.ProductionWithGeneration(mix, basis, facts);
            reference ??= g;
            reference.EnsureAlignedWith(g);
            production[area.Number - 1] = p.Values.ToArray();
            intensity[area.Number - 1] = g.Values.ToArray();
        }

        if (reference is null)
        {
            throw new ArgumentException("No area mixes given.", nameof(mixes));
        }

        reference.EnsureAlignedWith(flows.Flows[0].FlowMw);
        var n = reference.Count;
        var result = new double[10][];
        for (var a = 0; a < 10; a++)
        {
            result[a] = new double[n];
        }

        var p0 = new double[10];
        var g0 = new double[10];
        for (var t = 0; t < n; t++)
        {
            for (var a = 0; a < 10; a++)
            {
                p0[a] = production[a] is { } pa ? Math.Max(0, pa[t]) : 0;
                g0[a] = intensity[a] is { } ga ? ga[t] : double.NaN;

                // An area we have no mix for is an unknown source: give it production so that imports from it are NaN.
                if (production[a] is null)
                {
                    p0[a] = 1;
                }
            }

            var c = FlowTracing.Solve(p0, g0, flows.MatrixAt(t));
            for (var a = 0; a < 10; a++)
            {
                result[a][t] = c[a];
            }
        }

        var series = new List<KeyValuePair<string, TimeSeries>>();
        foreach (var code in mixes.Keys)
        {
            var area = JapanAreas.Get(code);
            series.Add(new(area.Code, TimeSeries.Wrap(reference.Start, reference.Step, result[area.Number - 1], SeriesUnit.GramsPerKilowattHour, area.Code)));
        }

        return new SignalSet(SignalKind.Carbon, series);
    }

    /// <summary>
    /// Renewable surplus: solar plus wind output curtailed (太陽光/風力出力制御量) in each slot, MWh (the unit of
    /// <see cref="SignalKind.Curtailment"/>). Thermal and biomass output control are not renewable surplus and are not counted.
    /// </summary>
    /// <exception cref="ArgumentException">The mix has neither curtailment column.</exception>
    public static TimeSeries Curtailment(IReadOnlyDictionary<string, TimeSeries> mix, string name = "curtailment")
    {
        ArgumentNullException.ThrowIfNull(mix);
        mix.TryGetValue(SupplyDemandKeys.SolarCurtailed, out var solar);
        mix.TryGetValue(SupplyDemandKeys.WindCurtailed, out var wind);
        var any = solar ?? wind ?? throw new ArgumentException("The data has no curtailment columns (太陽光出力制御量 / 風力出力制御量).", nameof(mix));
        var hours = any.Step.TotalHours;
        var v = new double[any.Count];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = ((solar?[i] ?? 0) + (wind?[i] ?? 0)) * hours;
        }

        return TimeSeries.Wrap(any.Start, any.Step, v, SeriesUnit.MegawattHours, name);
    }

    /// <summary>Hours per calendar month (JST) in which curtailment exceeds <paramref name="thresholdMwh"/> per slot.</summary>
    public static IReadOnlyList<MonthlyCurtailment> CurtailedHoursByMonth(TimeSeries curtailment, double thresholdMwh = 0)
    {
        ArgumentNullException.ThrowIfNull(curtailment);
        var result = new List<MonthlyCurtailment>();
        var hours = curtailment.Step.TotalHours;
        (int Y, int M) current = default;
        double curtailed = 0, covered = 0;
        for (var i = 0; i < curtailment.Count; i++)
        {
            var t = curtailment.TimeAt(i).ToOffset(Jst.Offset);
            if ((t.Year, t.Month) != current)
            {
                if (current != default)
                {
                    result.Add(new MonthlyCurtailment(current.Y, current.M, curtailed, covered));
                }

                current = (t.Year, t.Month);
                curtailed = covered = 0;
            }

            var v = curtailment[i];
            if (double.IsNaN(v))
            {
                continue;
            }

            covered += hours;
            curtailed += v > thresholdMwh ? hours : 0;
        }

        if (current != default)
        {
            result.Add(new MonthlyCurtailment(current.Y, current.M, curtailed, covered));
        }

        return result;
    }

    /// <summary>The JEPX day-ahead area price of <paramref name="area"/>, JPY/kWh.</summary>
    /// <exception cref="ArgumentException">Okinawa: it is not part of JEPX and has no price.</exception>
    public static TimeSeries Price(JepxSpot spot, GridArea area)
    {
        ArgumentNullException.ThrowIfNull(spot);
        ArgumentNullException.ThrowIfNull(area);
        return spot.AreaPrices.Contains(area.Code)
            ? spot.AreaPrices[area.Code]
            : throw new ArgumentException($"{area}: JEPX has no area price for Okinawa (not connected to the JEPX market).", nameof(area));
    }
}
