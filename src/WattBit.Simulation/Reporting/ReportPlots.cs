using ScottPlot;
using WattBit.Areas;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;
using WattBit.Time;

namespace WattBit.Simulation.Reporting;

/// <summary>The report's plots (ScottPlot, each rendered to PNG and SVG). Stateless and thread-safe.</summary>
public static class ReportPlots
{
    private const int Width = 900;
    private const int Height = 420;

    /// <summary>Lifecycle emissions and cost of every policy relative to the first (the baseline), %.</summary>
    /// <param name="result">The simulation result.</param>
    public static ReportFigure Comparison(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        var first = result.Policies[0].Overall;
        var names = result.Policies.Select(p => PolicyFactory.Name(p.Policy)).ToArray();
        var bars = new List<Bar>();
        for (var i = 0; i < result.Policies.Count; i++)
        {
            var o = result.Policies[i].Overall;
            bars.Add(new Bar { Position = (i * 3) + 0, Value = Relative(o.LifecycleTonnes, first.LifecycleTonnes), FillColor = Colors.SeaGreen });
            bars.Add(new Bar { Position = (i * 3) + 1, Value = Relative(o.CostYen, first.CostYen), FillColor = Colors.SteelBlue });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, names.Length).Select(i => (i * 3) + 0.5).ToArray(), names);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "lifecycle CO2", FillColor = Colors.SeaGreen });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "cost", FillColor = Colors.SteelBlue });
        plot.ShowLegend(Edge.Right);
        plot.Title($"Change against {names[0]}");
        plot.YLabel("%");
        return ReportFigure.Render(plot, Width, Height);
    }

    /// <summary>The watch site's grid draw by workload class, stacked, against its grid limit, over one week.</summary>
    /// <param name="result">The simulation result.</param>
    /// <param name="policy">Index of the policy.</param>
    /// <param name="firstStep">First step of the week.</param>
    public static ReportFigure SiteWeek(SimulationResult result, int policy, int firstStep)
    {
        ArgumentNullException.ThrowIfNull(result);
        var p = result.Policies[policy];
        var world = result.World;
        var site = world.Scenario.Sites[p.WatchSite];
        var steps = Math.Min((int)Math.Round(24 * 7 / world.StepHours), world.Steps - firstStep);
        var xs = Enumerable.Range(0, steps).Select(i => i * world.StepHours).ToArray();
        var plot = new Plot();
        string[] labels = ["batch", "training", "backup", "inference"];
        Color[] colors = [Colors.SteelBlue, Colors.DarkOrange, Colors.Gray, Colors.SeaGreen];
        var cumulative = new double[steps];
        var layers = new List<(double[] Top, int Class)>();
        for (var c = 0; c < 4; c++)
        {
            var top = new double[steps];
            for (var i = 0; i < steps; i++)
            {
                cumulative[i] += p.WatchStack[c][firstStep + i] * site.Pue;
                top[i] = cumulative[i];
            }

            layers.Add((top, c));
        }

        // Highest layer first, so each lower layer is drawn over it: a stacked area (opaque, so the colours are the legend's).
        for (var k = layers.Count - 1; k >= 0; k--)
        {
            var s = plot.Add.Scatter(xs, layers[k].Top);
            s.MarkerSize = 0;
            s.FillY = true;
            s.FillYValue = 0;
            s.FillYColor = colors[layers[k].Class];
            s.Color = colors[layers[k].Class];
        }

        // The legend shows each class as the filled box it is drawn as (a scatter's legend shows a thin line).
        for (var k = layers.Count - 1; k >= 0; k--)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = labels[layers[k].Class], FillColor = colors[layers[k].Class] });
        }

        var limit = plot.Add.Scatter(xs, world.LimitMw[p.WatchSite].AsSpan(firstStep, steps).ToArray());
        limit.MarkerSize = 0;
        limit.LineWidth = 2;
        limit.Color = Colors.Red;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"grid limit ({site.Connection.Kind})", LineColor = Colors.Red, LineWidth = 2 });
        plot.ShowLegend(Edge.Right);
        plot.Title($"{site.Id} ({site.Area.Code}), {PolicyFactory.Name(p.Policy)}: week from {world.TimeAt(firstStep).ToOffset(Jst.Offset):yyyy-MM-dd}");
        plot.XLabel("hours from the week's start (JST)");
        plot.YLabel("MW at the grid");
        return ReportFigure.Render(plot, Width, Height);
    }

    /// <summary>Curtailed renewable energy absorbed per month (fiscal order, April first), one line per policy.</summary>
    /// <param name="result">The simulation result.</param>
    public static ReportFigure CurtailmentByMonth(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        var xs = Enumerable.Range(0, 12).Select(i => (double)i).ToArray();
        foreach (var p in result.Policies)
        {
            var ys = Enumerable.Range(0, 12).Select(i => p.CurtailmentAbsorbedByMonthMwh[(i + 3) % 12]).ToArray();
            var s = plot.Add.Scatter(xs, ys);
            s.LegendText = PolicyFactory.Name(p.Policy);
        }

        plot.Axes.Bottom.SetTicks(xs, ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]);
        plot.ShowLegend(Edge.Right);
        plot.Title("Curtailed solar and wind absorbed by the DCs");
        plot.YLabel("MWh");
        return ReportFigure.Render(plot, Width, Height);
    }

    /// <summary>Lifecycle emissions against cost, one point per policy.</summary>
    /// <param name="result">The simulation result.</param>
    public static ReportFigure CarbonVersusCost(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        foreach (var p in result.Policies)
        {
            var x = p.Overall.CostYen / 1e6;
            var y = p.Overall.LifecycleTonnes;
            var m = plot.Add.Marker(x, y);
            m.Size = 12;
            m.LegendText = PolicyFactory.Name(p.Policy);
            plot.Add.Text(PolicyFactory.Name(p.Policy), x, y);
        }

        // Room right of the points for their names (a name at the right edge was cut), and a little above and below.
        var costs = result.Policies.Select(p => p.Overall.CostYen / 1e6).ToArray();
        var tonnes = result.Policies.Select(p => p.Overall.LifecycleTonnes).ToArray();
        var dx = Math.Max(costs.Max() - costs.Min(), Math.Max(1, costs.Max() * 0.01));
        var dy = Math.Max(tonnes.Max() - tonnes.Min(), Math.Max(1, tonnes.Max() * 0.01));
        plot.Axes.SetLimits(costs.Min() - (0.06 * dx), costs.Max() + (0.22 * dx), tonnes.Min() - (0.1 * dy), tonnes.Max() + (0.08 * dy));
        plot.ShowLegend(Edge.Right);
        plot.Title("Carbon against cost");
        plot.XLabel("cost, million JPY");
        plot.YLabel("lifecycle tCO2");
        return ReportFigure.Render(plot, Width, Height);
    }

    /// <summary>A map of Japan: the prefectural capitals (grey) sketch the country, sites coloured by area, sized by IT capacity.</summary>
    /// <param name="result">The simulation result.</param>
    public static ReportFigure Map(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        var capitals = Prefectures.All;
        var grey = plot.Add.Markers(capitals.Select(c => c.Capital.Longitude).ToArray(), capitals.Select(c => c.Capital.Latitude).ToArray());
        grey.Color = Colors.LightGray;
        grey.MarkerSize = 6;
        grey.LegendText = "prefectural capital";
        var palette = new ScottPlot.Palettes.Category10();
        var sites = result.Scenario.Sites;
        for (var a = 0; a < result.World.AreaCodes.Count; a++)
        {
            var code = result.World.AreaCodes[a];
            var inArea = sites.Where(s => s.Area.Code == code).ToList();
            if (inArea.Count == 0)
            {
                continue;
            }

            var m = plot.Add.Markers(inArea.Select(s => s.Location.Longitude).ToArray(), inArea.Select(s => s.Location.Latitude).ToArray());
            m.Color = palette.GetColor(a);
            m.MarkerSize = (float)Math.Clamp(4 + (2 * Math.Log10(1 + inArea.Average(s => s.ItMw))), 4, 14);
            m.LegendText = FormattableString.Invariant($"{code}: {inArea.Count} site{(inArea.Count == 1 ? "" : "s")}, {inArea.Sum(s => s.ItMw):0.#} MW IT");
            var anchor = capitals.Where(c => c.Area.Code == code).ToList();
            var label = plot.Add.Text(code, anchor.Average(c => c.Capital.Longitude) + 0.6, anchor.Average(c => c.Capital.Latitude));
            label.LabelFontSize = 14;
            label.LabelBold = true;
        }

        plot.Axes.SquareUnits();
        plot.ShowLegend(Edge.Right);
        plot.Title("Sites by grid area");
        plot.XLabel("longitude");
        plot.YLabel("latitude");
        return ReportFigure.Render(plot, 900, 700);
    }

    private static double Relative(double value, double reference) => reference == 0 ? 0 : 100 * ((value / reference) - 1);
}

/// <summary>One plot of the report, rendered twice from the same ScottPlot figure: PNG (embedded in the HTML) and SVG (written beside it).</summary>
/// <param name="Png">The PNG image.</param>
/// <param name="Svg">The SVG document (vector, for print and slides).</param>
public sealed record ReportFigure(byte[] Png, string Svg)
{
    /// <summary>Renders <paramref name="plot"/> at <paramref name="width"/> × <paramref name="height"/> pixels in both formats.</summary>
    /// <param name="plot">The plot.</param>
    /// <param name="width">Width, px.</param>
    /// <param name="height">Height, px.</param>
    public static ReportFigure Render(Plot plot, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return new(plot.GetImageBytes(width, height, ImageFormat.Png), plot.GetSvgXml(width, height));
    }
}
