using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Data.Signals;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Data.Reference;

/// <summary>One area of a synthetic year: its mix (MW series keyed by <see cref="SupplyDemandKeys"/>) and its price.</summary>
/// <param name="Area">The area.</param>
/// <param name="Mix">demand, nuclear, thermal_coal, thermal_lng, thermal_oil, hydro, geothermal, biomass, solar, solar_curtailed, wind, wind_curtailed, pumped_storage, interconnection; MW, 30 min.</param>
/// <param name="Price">Day-ahead price, JPY/kWh, 30 min.</param>
public sealed record ReferenceArea(GridArea Area, IReadOnlyDictionary<string, TimeSeries> Mix, TimeSeries Price)
{
    /// <summary>Area demand, MW.</summary>
    public TimeSeries Demand => Mix[SupplyDemandKeys.Demand];
}

/// <summary>
/// A calibrated synthetic year for all ten areas — demand, solar, wind, the rest of the mix, curtailment and price
/// at 30 minutes — so that WattBit runs with no downloaded data. Deterministic: the same year, seed and model give
/// the same numbers on every machine. Immutable and thread-safe once generated.
/// </summary>
/// <remarks>
/// Demand follows the shipped month × day-type × half-hour shape scaled to each area's annual energy, with a
/// day-to-day weather anomaly. Solar follows the shipped month × half-hour shape with a daily clearness drawn per
/// area around a Japan-wide weather factor; wind is an autocorrelated log-normal process. Nuclear, hydro, geothermal
/// and biomass run flat; the rest is met by thermal in merit order (coal, gas, oil) above a must-run share of demand;
/// a surplus below must-run is pumped (up to the reservoirs' daily limit), then curtailed (solar first, then wind). Price maps each slot's scarcity
/// (thermal share of demand plus noise) through the area's JEPX FY2025 price quantiles, so the distribution matches
/// the market and the timing follows the residual load. See docs/calibration.md.
/// </remarks>
public sealed class ReferenceYear
{
    /// <summary>Hours of full-power pumping a pumped-storage fleet can absorb per day before its upper reservoirs are full.</summary>
    public const double PumpedStorageHours = 4;

    private ReferenceYear(int fiscalYear, int seed, IReadOnlyDictionary<string, ReferenceArea> areas, TimeWindow window)
    {
        FiscalYear = fiscalYear;
        Seed = seed;
        Areas = areas;
        Window = window;
    }

    /// <summary>The slot length: 30 minutes.</summary>
    public static TimeSpan Step { get; } = TimeSpan.FromMinutes(30);

    /// <summary>The Japanese fiscal year generated (April 1 of this year to April 1 of the next, JST).</summary>
    public int FiscalYear { get; }

    /// <summary>The seed used.</summary>
    public int Seed { get; }

    /// <summary>The period, [April 1 00:00 JST, next April 1).</summary>
    public TimeWindow Window { get; }

    /// <summary>The ten areas by code.</summary>
    public IReadOnlyDictionary<string, ReferenceArea> Areas { get; }

    /// <summary>Generates the fiscal year starting April 1 of <paramref name="fiscalYear"/> (JST).</summary>
    /// <param name="fiscalYear">e.g. 2025 for April 2025 - March 2026.</param>
    /// <param name="seed">Random seed; the same seed gives the same year.</param>
    /// <param name="model">The model; default <see cref="ReferenceModel.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 2000-2100.</exception>
    public static ReferenceYear Generate(int fiscalYear, int seed, ReferenceModel? model = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fiscalYear, 2000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fiscalYear, 2100);
        model ??= ReferenceModel.Default;
        var start = new DateTimeOffset(fiscalYear, 4, 1, 0, 0, 0, Jst.Offset);
        var end = new DateTimeOffset(fiscalYear + 1, 4, 1, 0, 0, 0, Jst.Offset);
        var n = (int)((end - start).Ticks / Step.Ticks);
        var days = n / 48;
        var rng = new Random(Mix(seed, fiscalYear, 0));

        // Japan-wide daily weather: a common cloudiness factor and a temperature anomaly, both AR(1) over days.
        var commonCloud = new double[days];
        var temperature = new double[days];
        double c = 0, tmp = 0;
        for (var d = 0; d < days; d++)
        {
            c = (0.6 * c) + (0.8 * Gaussian(rng));
            tmp = (0.8 * tmp) + (0.6 * Gaussian(rng));
            commonCloud[d] = c;
            temperature[d] = tmp;
        }

        var areas = new Dictionary<string, ReferenceArea>(StringComparer.Ordinal);
        foreach (var area in JapanAreas.All)
        {
            var p = model.Areas[area.Code];
            var areaRng = new Random(Mix(seed, fiscalYear, area.Number));
            areas[area.Code] = GenerateArea(p, model, start, n, commonCloud, temperature, areaRng);
        }

        return new ReferenceYear(fiscalYear, seed, areas, new TimeWindow(start, end));
    }

    /// <summary>A signal for all ten areas: carbon (consumption = production, lifecycle), price (JPY/kWh) or curtailment (MWh per slot).</summary>
    /// <exception cref="ArgumentException">Headroom, which the reference year does not model.</exception>
    public SignalSet Signal(SignalKind kind, EmissionBasis basis = EmissionBasis.Lifecycle, JapanFacts? facts = null)
    {
        var list = new List<KeyValuePair<string, TimeSeries>>(10);
        foreach (var area in JapanAreas.All)
        {
            var a = Areas[area.Code];
            var s = kind switch
            {
                SignalKind.Carbon => CarbonIntensityCalculator.Production(a.Mix, basis, facts),
                SignalKind.Price => a.Price,
                SignalKind.Curtailment => GridSignals.Curtailment(a.Mix),
                _ => throw new ArgumentException($"The reference year has no {kind} signal (headroom comes from the grid model).", nameof(kind)),
            };
            list.Add(new(area.Code, s.WithName(area.Code)));
        }

        return new SignalSet(kind, list);
    }

    /// <summary>
    /// The demand of several areas together, MW, hourly (the mean of each hour's two slots): what drives the headroom
    /// layer's hours (WattBit.Grid reads it as a plain series).
    /// </summary>
    /// <param name="areas">The areas to add up; default all ten.</param>
    public TimeSeries TotalDemandHourly(IEnumerable<GridArea>? areas = null)
    {
        var codes = (areas ?? JapanAreas.All).Select(a => a.Code).Distinct(StringComparer.Ordinal).ToArray();
        var total = new double[Areas[codes[0]].Demand.Count];
        foreach (var code in codes)
        {
            var d = Areas[code].Demand;
            for (var i = 0; i < total.Length; i++)
            {
                total[i] += d[i];
            }
        }

        var first = Areas[codes[0]].Demand;
        return TimeSeries.Wrap(first.Start, first.Step, total, first.Unit, "demand " + string.Join('+', codes)).Resample(TimeSpan.FromHours(1));
    }

    /// <summary>The fiscal year (April to March, JST) that holds <paramref name="t"/>: 2025 for any time from April 1 2025 to March 31 2026.</summary>
    /// <param name="t">The time.</param>
    public static int FiscalYearOf(DateTimeOffset t)
    {
        var jst = t.ToOffset(Jst.Offset);
        return jst.Month >= 4 ? jst.Year : jst.Year - 1;
    }

    /// <summary>
    /// The demand of several areas together, MW, hourly, over any <paramref name="window"/>: each fiscal year the window
    /// touches is generated with <paramref name="seed"/> and the years are joined (a window crossing April 1 reads both).
    /// </summary>
    /// <param name="areas">The areas to add up.</param>
    /// <param name="seed">Random seed of every year.</param>
    /// <param name="window">The window (on the hour).</param>
    public static TimeSeries TotalDemandHourly(IEnumerable<GridArea> areas, int seed, TimeWindow window)
    {
        ArgumentNullException.ThrowIfNull(areas);
        var list = areas as IReadOnlyCollection<GridArea> ?? [.. areas];
        var first = FiscalYearOf(window.Start);
        var last = FiscalYearOf(window.End.AddTicks(-1));
        var parts = Enumerable.Range(first, last - first + 1).Select(fy => Generate(fy, seed).TotalDemandHourly(list)).ToList();
        var joined = parts.Count == 1 ? parts[0]
            : TimeSeries.Wrap(parts[0].Start, parts[0].Step, [.. parts.SelectMany(p => p.Values.ToArray())], parts[0].Unit, parts[0].Name);
        return joined.Slice(window);
    }

    /// <summary>True for weekends and the national holidays WattBit's shapes treat as holidays (New Year, Golden Week, Obon).</summary>
    public static bool IsHoliday(DateOnly day) =>
        day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday
        || (day.Month == 1 && day.Day <= 3) || (day.Month == 12 && day.Day >= 29)
        || (day.Month == 4 && day.Day == 29) || (day.Month == 5 && day.Day is >= 3 and <= 6)
        || (day.Month == 8 && day.Day is >= 13 and <= 16);

    private static ReferenceArea GenerateArea(ReferenceAreaParameters p, ReferenceModel model, DateTimeOffset start, int n,
        double[] commonCloud, double[] temperature, Random rng)
    {
        var keys = new[]
        {
            SupplyDemandKeys.Demand, SupplyDemandKeys.Nuclear, SupplyDemandKeys.ThermalCoal, SupplyDemandKeys.ThermalLng, SupplyDemandKeys.ThermalOil,
            SupplyDemandKeys.Hydro, SupplyDemandKeys.Geothermal, SupplyDemandKeys.Biomass, SupplyDemandKeys.Solar, SupplyDemandKeys.SolarCurtailed,
            SupplyDemandKeys.Wind, SupplyDemandKeys.WindCurtailed, SupplyDemandKeys.PumpedStorage, SupplyDemandKeys.Interconnection,
        };
        var v = keys.ToDictionary(k => k, _ => new double[n], StringComparer.Ordinal);
        var scarcity = new double[n];
        var meanDemand = p.AnnualDemandTwh * 1e6 / 8760.0;
        var meanSolar = p.SolarMw * p.SolarCapacityFactor;
        double windState = 0, noise = 0, areaCloud = 0, pumpBudgetMwh = 0;
        var demandShape = model.DemandShape;
        var solarShape = model.SolarShape;
        for (var i = 0; i < n; i++)
        {
            var t = start + (Step * i);
            var day = i / 48;
            var slot = i % 48;
            var date = DateOnly.FromDateTime(t.DateTime);
            var month = date.Month;
            if (slot == 0)
            {
                areaCloud = (0.5 * areaCloud) + (0.6 * Gaussian(rng));
                pumpBudgetMwh = p.PumpedStorageMw * PumpedStorageHours;
            }

            // Demand: shape x (1 + weather anomaly, stronger in summer and winter) x small slot noise.
            var seasonal = month is 7 or 8 or 12 or 1 or 2 ? 0.05 : 0.02;
            var dayType = IsHoliday(date) ? 1 : 0;
            var shape = demandShape[((((month - 1) * 2) + dayType) * 48) + slot];
            noise = (0.9 * noise) + (0.004 * Gaussian(rng));
            var demand = meanDemand * shape * (1 + (seasonal * temperature[day]) + noise);

            // Solar: clearness of the day from the Japan-wide and the area's cloudiness, mean 1.
            var clear = Math.Clamp(1 + (0.32 * commonCloud[day]) + (0.18 * areaCloud), 0.08, 1.45);
            var solar = Math.Min(p.SolarMw * 0.85, meanSolar * solarShape[((month - 1) * 48) + slot] * clear);

            // Wind: AR(1) log-normal, windier in winter.
            windState = (0.985 * windState) + (0.17 * Gaussian(rng));
            var windSeason = month is 11 or 12 or 1 or 2 or 3 ? 1.25 : 0.8;
            var wind = Math.Min(p.WindMw * 0.9, p.WindMw * p.WindCapacityFactor * windSeason * Math.Exp((0.6 * windState) - 0.18));

            var nuclear = p.NuclearMw * 0.9;
            var hydroSeason = month is 4 or 5 or 6 ? 1.3 : month is 12 or 1 or 2 ? 0.8 : 1.0;
            var hydro = p.HydroMeanMw * hydroSeason;
            var import = p.NetImportMw * (0.85 + (0.3 * shape / 1.2));
            var must = p.MustRunShare * demand;
            var net = demand - nuclear - hydro - p.GeothermalMeanMw - p.BiomassMeanMw - solar - wind - import;

            double pumped = 0, solarCut = 0, windCut = 0, thermal;
            if (net < must)
            {
                var surplus = must - net;

                // Reservoirs fill: pumping absorbs at most PumpedStorageHours of full-power pumping a day.
                pumped = -Math.Min(Math.Min(p.PumpedStorageMw, surplus), pumpBudgetMwh / Step.TotalHours);
                pumpBudgetMwh += pumped * Step.TotalHours;
                surplus += pumped;
                solarCut = Math.Min(solar, surplus);
                windCut = Math.Min(wind, surplus - solarCut);
                thermal = must;

                // What even curtailing every solar and wind MW cannot absorb leaves as extra export.
                import -= surplus - solarCut - windCut;
            }
            else
            {
                thermal = net;
            }

            var coal = Math.Min(thermal, p.CoalMw * 0.85);
            var gas = Math.Min(thermal - coal, p.GasMw * 0.9);
            var oil = Math.Min(thermal - coal - gas, p.OilMw);
            import += thermal - coal - gas - oil; // beyond all thermal capacity: imported
            v[SupplyDemandKeys.Demand][i] = demand;
            v[SupplyDemandKeys.Nuclear][i] = nuclear;
            v[SupplyDemandKeys.ThermalCoal][i] = coal;
            v[SupplyDemandKeys.ThermalLng][i] = gas;
            v[SupplyDemandKeys.ThermalOil][i] = oil;
            v[SupplyDemandKeys.Hydro][i] = hydro;
            v[SupplyDemandKeys.Geothermal][i] = p.GeothermalMeanMw;
            v[SupplyDemandKeys.Biomass][i] = p.BiomassMeanMw;
            v[SupplyDemandKeys.Solar][i] = solar - solarCut;
            v[SupplyDemandKeys.SolarCurtailed][i] = solarCut;
            v[SupplyDemandKeys.Wind][i] = wind - windCut;
            v[SupplyDemandKeys.WindCurtailed][i] = windCut;
            v[SupplyDemandKeys.PumpedStorage][i] = pumped;
            v[SupplyDemandKeys.Interconnection][i] = import;
            scarcity[i] = (thermal / demand) - ((solarCut + windCut) / demand);
        }

        var price = PriceFromScarcity(scarcity, model.PriceQuantilesByArea[p.Area.Code], rng);
        var mix = keys.ToDictionary(k => k, k => TimeSeries.Wrap(start, Step, v[k], SeriesUnit.Megawatts, $"{p.Area.Code} {k}"), StringComparer.Ordinal);
        return new ReferenceArea(p.Area, mix, TimeSeries.Wrap(start, Step, price, SeriesUnit.YenPerKilowattHour, $"{p.Area.Code} price"));
    }

    private static double[] PriceFromScarcity(double[] scarcity, double[] quantiles, Random rng)
    {
        // Scarcity plus autocorrelated noise, ranked over the year, mapped through the price quantiles.
        var n = scarcity.Length;
        var score = new double[n];
        double e = 0;
        for (var i = 0; i < n; i++)
        {
            e = (0.95 * e) + (0.04 * Gaussian(rng));
            score[i] = scarcity[i] + e;
        }

        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort((double[])score.Clone(), order);
        var price = new double[n];
        var segments = quantiles.Length - 1;
        for (var r = 0; r < n; r++)
        {
            var q = (r + 0.5) / n * segments;
            var k = Math.Min((int)q, segments - 1);
            var f = q - k;
            price[order[r]] = Math.Round(quantiles[k] + ((quantiles[k + 1] - quantiles[k]) * f), 2);
        }

        return price;
    }

    // HashCode.Combine is randomised per process; this mix is stable everywhere.
    private static int Mix(int seed, int year, int area) => (int)((((uint)seed * 2654435761u) ^ ((uint)year * 40503u) ^ ((uint)area * 2246822519u)) & 0x7fffffff);

    private static double Gaussian(Random rng)
    {
        // Box-Muller: deterministic for a seeded Random.
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
