using System.Globalization;
using System.Text;
using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Time;

namespace WattBit.Data.Reference;

/// <summary>The real data a calibration compares against: area actuals (any areas) and JEPX spot prices.</summary>
/// <param name="Actuals">Merged actuals per area (e.g. the Tokyo year, the Chubu months).</param>
/// <param name="Spot">JEPX spot results for a fiscal year, or null.</param>
/// <param name="Samples">Short samples (a day or two) of any areas, compared on mean demand, solar and nuclear; null for none.</param>
public sealed record CalibrationData(IReadOnlyList<AreaSupplyDemand> Actuals, JepxSpot? Spot, IReadOnlyList<AreaSupplyDemand>? Samples = null);

/// <summary>
/// Derives the reference model's shape and price tables from real data, and compares a synthetic year with the
/// real data (annual energy, peak, solar capacity factor, curtailed hours by month, price distribution) as the
/// markdown page docs/calibration.md. Thread-safe.
/// </summary>
public static class ReferenceCalibration
{
    /// <summary>Writes reference_shapes.csv (kind,month,day_type,slot,value) from a year of one area's actuals.</summary>
    /// <exception cref="ArgumentException">The data lacks a month or the solar columns.</exception>
    public static void WriteShapes(AreaSupplyDemand year, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(year);
        ArgumentNullException.ThrowIfNull(writer);
        var demand = year[SupplyDemandKeys.Demand];
        var solar = year[SupplyDemandKeys.Solar];
        year.Series.TryGetValue(SupplyDemandKeys.SolarCurtailed, out var curtailed);
        var dSum = new double[12 * 2 * 48];
        var dCount = new int[dSum.Length];
        var sSum = new double[12 * 48];
        var sCount = new int[sSum.Length];
        double dTotal = 0, sTotal = 0;
        var covered = 0;
        for (var i = 0; i < demand.Count; i++)
        {
            var d = demand[i];
            var s = solar[i] + (curtailed?[i] ?? 0);
            if (double.IsNaN(d) || double.IsNaN(s))
            {
                continue;
            }

            var t = demand.TimeAt(i).ToOffset(Jst.Offset);
            var slot = (t.Hour * 2) + (t.Minute / 30);
            var dayType = ReferenceYear.IsHoliday(DateOnly.FromDateTime(t.DateTime)) ? 1 : 0;
            var di = ((((t.Month - 1) * 2) + dayType) * 48) + slot;
            dSum[di] += d;
            dCount[di]++;
            sSum[((t.Month - 1) * 48) + slot] += Math.Max(0, s);
            sCount[((t.Month - 1) * 48) + slot]++;
            dTotal += d;
            sTotal += Math.Max(0, s);
            covered++;
        }

        if (Array.IndexOf(dCount, 0) >= 0)
        {
            throw new ArgumentException($"{year.Area.Code}: the data does not cover every month, day type and half-hour; a shape needs a full year.", nameof(year));
        }

        double dMean = dTotal / covered, sMean = sTotal / covered;
        writer.WriteLine("kind,month,day_type,slot,value");
        for (var m = 1; m <= 12; m++)
        {
            for (var dt = 0; dt < 2; dt++)
            {
                for (var slot = 0; slot < 48; slot++)
                {
                    var di = ((((m - 1) * 2) + dt) * 48) + slot;
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demand,{m},{dt},{slot},{dSum[di] / dCount[di] / dMean:0.#####}"));
                }
            }
        }

        for (var m = 1; m <= 12; m++)
        {
            for (var slot = 0; slot < 48; slot++)
            {
                var si = ((m - 1) * 48) + slot;
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"solar,{m},0,{slot},{sSum[si] / sCount[si] / sMean:0.#####}"));
            }
        }
    }

    /// <summary>Writes reference_price_quantiles.csv (area,p0..p100) from JEPX spot results; Okinawa gets the system price.</summary>
    public static void WritePriceQuantiles(JepxSpot spot, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(spot);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("area," + string.Join(',', Enumerable.Range(0, ReferenceModel.PriceQuantiles).Select(i => "p" + i.ToString(CultureInfo.InvariantCulture))));
        foreach (var area in JapanAreas.All)
        {
            var s = spot.AreaPrices.Contains(area.Code) ? spot.AreaPrices[area.Code] : spot.SystemPrice;
            var q = Quantiles(s.Values, ReferenceModel.PriceQuantiles);
            writer.WriteLine(area.Code + "," + string.Join(',', q.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture))));
        }
    }

    /// <summary>
    /// The calibration report: for every area with actuals, the real and the generated annual (or covered-period)
    /// energy, peak, solar capacity factor and curtailed hours by month; for every JEPX area, the price distribution.
    /// The generated data is taken over exactly the slots the real data covers.
    /// </summary>
    /// <param name="data">The real data.</param>
    /// <param name="seed">The seed of the synthetic years compared.</param>
    /// <param name="model">The model; default shipped.</param>
    /// <param name="progress">Called with a short description of each step (for a progress display), or null.</param>
    public static string Report(CalibrationData data, int seed, ReferenceModel? model = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        model ??= ReferenceModel.Default;
        var years = new Dictionary<int, ReferenceYear>();
        ReferenceYear YearOf(int fy)
        {
            if (!years.TryGetValue(fy, out var y))
            {
                progress?.Invoke($"generating fiscal year {fy}");
                y = ReferenceYear.Generate(fy, seed, model);
                years[fy] = y;
            }

            return y;
        }

        double Generated(GridArea area, string key, DateTimeOffset t)
        {
            var local = t.ToOffset(Jst.Offset);
            var fy = local.Month >= 4 ? local.Year : local.Year - 1;
            var s = YearOf(fy).Areas[area.Code].Mix[key];
            return s[s.IndexOf(t)];
        }

        var sb = new StringBuilder();
        sb.AppendLine("# Calibration of the reference year");
        sb.AppendLine();
        sb.AppendLine("Generated by `wattbit data calibrate` — do not edit by hand. The synthetic year (`ReferenceYear.Generate(year, seed)`, seed "
            + seed.ToString(CultureInfo.InvariantCulture) + ") is compared with the real data in `../shared/data` over exactly the half-hours the real data covers. "
            + "Solar capacity factor = mean(solar output + curtailed solar) / the model's installed solar (the same capacity for both columns). "
            + "Curtailed hours = hours with solar or wind output control (出力制御) above zero.");
        sb.AppendLine();
        foreach (var real in data.Actuals)
        {
            var area = real.Area;
            var p = model.Areas[area.Code];
            progress?.Invoke($"comparing {area.Code}");
            var demand = real[SupplyDemandKeys.Demand];
            real.Series.TryGetValue(SupplyDemandKeys.SolarCurtailed, out var realSolarCut);
            real.Series.TryGetValue(SupplyDemandKeys.WindCurtailed, out var realWindCut);
            double rE = 0, gE = 0, rPeak = 0, gPeak = 0, rSolar = 0, gSolar = 0;
            var covered = 0;
            var months = new SortedDictionary<(int, int), (double Real, double Gen)>();
            DateTimeOffset? first = null, last = null;
            for (var i = 0; i < demand.Count; i++)
            {
                if (double.IsNaN(demand[i]))
                {
                    continue;
                }

                var t = demand.TimeAt(i);
                first ??= t;
                last = t;
                var gd = Generated(area, SupplyDemandKeys.Demand, t);
                rE += demand[i] / 2;
                gE += gd / 2;
                rPeak = Math.Max(rPeak, demand[i]);
                gPeak = Math.Max(gPeak, gd);
                rSolar += real[SupplyDemandKeys.Solar][i] + (realSolarCut?[i] ?? 0);
                gSolar += Generated(area, SupplyDemandKeys.Solar, t) + Generated(area, SupplyDemandKeys.SolarCurtailed, t);
                covered++;
                var local = t.ToOffset(Jst.Offset);
                var key = (local.Year, local.Month);
                months.TryGetValue(key, out var m);
                var rc = (realSolarCut?[i] ?? 0) + (realWindCut?[i] ?? 0);
                var gc = Generated(area, SupplyDemandKeys.SolarCurtailed, t) + Generated(area, SupplyDemandKeys.WindCurtailed, t);
                months[key] = (m.Real + (rc > 0 ? 0.5 : 0), m.Gen + (gc > 0 ? 0.5 : 0));
            }

            sb.AppendLine(CultureInfo.InvariantCulture, $"## {area.Code} {area.NameEn} ({area.NameJa})");
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Real data: {string.Join(", ", real.Sources.Select(Path.GetFileName))} — {covered} half-hours from {Formats.Iso8601.Format(first!.Value)} to {Formats.Iso8601.Format(last!.Value + TimeSpan.FromMinutes(30))}.");
            sb.AppendLine();
            sb.AppendLine("| metric | real | generated | generated / real |");
            sb.AppendLine("|---|---:|---:|---:|");
            Row(sb, "energy over the covered period (TWh)", rE / 1e6, gE / 1e6, "0.0");
            Row(sb, "energy per year (TWh, scaled to 8,760 h)", rE / covered * 2 * 8760 / 1e6, gE / covered * 2 * 8760 / 1e6, "0.0");
            Row(sb, "peak demand (MW)", rPeak, gPeak, "0");
            Row(sb, "solar capacity factor", rSolar / covered / p.SolarMw, gSolar / covered / p.SolarMw, "0.000");
            sb.AppendLine();
            sb.AppendLine("| month | curtailed hours, real | curtailed hours, generated |");
            sb.AppendLine("|---|---:|---:|");
            foreach (var ((y, mo), (r, g)) in months)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {y}-{mo:00} | {r:0.0} | {g:0.0} |");
            }

            sb.AppendLine();
        }

        if (data.Samples is { Count: > 0 } samples)
        {
            progress?.Invoke("comparing samples");
            sb.AppendLine("## Sample days of every area");
            sb.AppendLine();
            sb.AppendLine("The TSOs' sample files (a day or two each) against the same half-hours of the synthetic year: mean MW. Two days are weather, not climate; the check is that each area's level is right.");
            sb.AppendLine();
            sb.AppendLine("| area | file | half-hours | demand real | demand gen | gen / real | solar real | solar gen | nuclear real | nuclear gen |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var d in samples)
            {
                double rd = 0, gd = 0, rs = 0, gs = 0, rn = 0, gn = 0;
                var n = 0;
                var demand = d[SupplyDemandKeys.Demand];
                d.Series.TryGetValue(SupplyDemandKeys.SolarCurtailed, out var cut);
                d.Series.TryGetValue(SupplyDemandKeys.Nuclear, out var nuclear);
                for (var i = 0; i < demand.Count; i++)
                {
                    if (double.IsNaN(demand[i]))
                    {
                        continue;
                    }

                    var t = demand.TimeAt(i);
                    rd += demand[i];
                    gd += Generated(d.Area, SupplyDemandKeys.Demand, t);
                    rs += d[SupplyDemandKeys.Solar][i] + (cut?[i] ?? 0);
                    gs += Generated(d.Area, SupplyDemandKeys.Solar, t) + Generated(d.Area, SupplyDemandKeys.SolarCurtailed, t);
                    rn += nuclear?[i] ?? 0;
                    gn += Generated(d.Area, SupplyDemandKeys.Nuclear, t);
                    n++;
                }

                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {d.Area.Code} | {Path.GetFileName(d.Sources[0])} | {n} | {rd / n:0} | {gd / n:0} | {gd / rd:0.00} | {rs / n:0} | {gs / n:0} | {rn / n:0} | {gn / n:0} |");
            }

            sb.AppendLine();
        }

        if (data.Spot is { } spot)
        {
            progress?.Invoke("comparing prices");
            sb.AppendLine("## Day-ahead price distribution (JPY/kWh)");
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Real: JEPX spot {string.Join(", ", spot.Sources.Select(Path.GetFileName))}, {spot.Rows} half-hours. Generated: the same half-hours of the synthetic year. Mean and quantiles; \"midday/evening\" is the mean price 11:00-14:00 over the mean 17:00-20:00 (the solar dip).");
            sb.AppendLine();
            sb.AppendLine("| area | mean real | mean gen | P10 real | P10 gen | P50 real | P50 gen | P90 real | P90 gen | midday/evening real | midday/evening gen |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var area in JapanAreas.All.Where(a => spot.AreaPrices.Contains(a.Code)))
            {
                var real = spot.AreaPrices[area.Code];
                var r = new List<double>();
                var g = new List<double>();
                double rMid = 0, rEve = 0, gMid = 0, gEve = 0;
                for (var i = 0; i < real.Count; i++)
                {
                    if (double.IsNaN(real[i]))
                    {
                        continue;
                    }

                    var t = real.TimeAt(i);
                    var local = t.ToOffset(Jst.Offset);
                    var fy = local.Month >= 4 ? local.Year : local.Year - 1;
                    var gs = YearOf(fy).Areas[area.Code].Price;
                    var gv = gs[gs.IndexOf(t)];
                    r.Add(real[i]);
                    g.Add(gv);
                    if (local.Hour is >= 11 and < 14)
                    {
                        rMid += real[i];
                        gMid += gv;
                    }
                    else if (local.Hour is >= 17 and < 20)
                    {
                        rEve += real[i];
                        gEve += gv;
                    }
                }

                var rq = Quantiles(r.ToArray(), 11);
                var gq = Quantiles(g.ToArray(), 11);
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {area.Code} | {r.Average():0.00} | {g.Average():0.00} | {rq[1]:0.00} | {gq[1]:0.00} | {rq[5]:0.00} | {gq[5]:0.00} | {rq[9]:0.00} | {gq[9]:0.00} | {rMid / rEve:0.00} | {gMid / gEve:0.00} |");
            }

            sb.AppendLine();
        }

        sb.AppendLine("Areas without real actuals in `../shared/data` (HKD, TH, HR, KN, CG, SK, KY, ON) use the approximate public figures of `reference_areas.csv` and the Tokyo shapes; they are checked only on their sample days and their price distribution.");
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string name, double real, double generated, string format) =>
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {real.ToString(format, CultureInfo.InvariantCulture)} | {generated.ToString(format, CultureInfo.InvariantCulture)} | {(generated / real).ToString("0.00", CultureInfo.InvariantCulture)} |");

    /// <summary>Evenly spaced quantiles (count points from 0 % to 100 %) of the non-missing values, linear interpolation.</summary>
    internal static double[] Quantiles(ReadOnlySpan<double> values, int count)
    {
        var list = new List<double>(values.Length);
        foreach (var v in values)
        {
            if (!double.IsNaN(v))
            {
                list.Add(v);
            }
        }

        list.Sort();
        var q = new double[count];
        for (var k = 0; k < count; k++)
        {
            var pos = (double)k / (count - 1) * (list.Count - 1);
            var lo = (int)Math.Floor(pos);
            var hi = Math.Min(lo + 1, list.Count - 1);
            q[k] = list[lo] + ((list[hi] - list[lo]) * (pos - lo));
        }

        return q;
    }
}
