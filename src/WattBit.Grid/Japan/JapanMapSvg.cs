using System.Globalization;
using System.Text;

namespace WattBit.Grid.Japan;

/// <summary>
/// A plain SVG map of the backbone (equirectangular, no basemap): lines coloured by voltage class, ties in black,
/// links dashed, equivalents dotted, buses as dots coloured by area. Deterministic text. Thread-safe.
/// </summary>
public static class JapanMapSvg
{
    private static readonly Dictionary<string, string> s_areaColour = new(StringComparer.Ordinal)
    {
        ["HKD"] = "#1f77b4", ["TH"] = "#17becf", ["TK"] = "#d62728", ["CB"] = "#ff7f0e", ["HR"] = "#9467bd",
        ["KN"] = "#2ca02c", ["CG"] = "#8c564b", ["SK"] = "#e377c2", ["KY"] = "#bcbd22", ["ON"] = "#7f7f7f",
    };

    /// <summary>Writes the map (900 × 1000 px).</summary>
    public static string Write(JapanBackbone model)
    {
        ArgumentNullException.ThrowIfNull(model);
        const double width = 900, height = 1000, lonMin = 123, lonMax = 146.5, latMin = 24, latMax = 45.8;
        var kx = Math.Cos(35 * Math.PI / 180);
        var scale = Math.Min(width / ((lonMax - lonMin) * kx), height / (latMax - latMin));
        string X(double lon) => ((lon - lonMin) * kx * scale).ToString("0.#", CultureInfo.InvariantCulture);
        string Y(double lat) => ((latMax - lat) * scale).ToString("0.#", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\">\n");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"#f7f7f2\"/>\n");
        var net = model.Network;
        for (var l = 0; l < model.Branches.Length; l++)
        {
            var m = model.Branches[l];
            if (m.Circuit > 1)
            {
                continue;
            }

            var a = model.Buses[net.Branches[l].From].Location;
            var b = model.Buses[net.Branches[l].To].Location;
            var (colour, w, dash) = m.Kind switch
            {
                JapanBranchKind.Tie => ("#000", 2.5, string.Empty),
                JapanBranchKind.Equivalent => ("#888", 1.0, " stroke-dasharray=\"2,2\""),
                _ => m.VoltageKv >= 400 ? ("#c0392b", 1.8, string.Empty) : m.VoltageKv >= 250 ? ("#2471a3", 1.2, string.Empty) : ("#7d8c3a", 0.9, string.Empty),
            };
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(a.Longitude)}\" y1=\"{Y(a.Latitude)}\" x2=\"{X(b.Longitude)}\" y2=\"{Y(b.Latitude)}\" stroke=\"{colour}\" stroke-width=\"{w}\"{dash}><title>{Escape(m.OcctoName)}</title></line>\n");
        }

        foreach (var k in model.Links)
        {
            var a = model.Buses[k.FromBus].Location;
            var b = model.Buses[k.ToBus].Location;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(a.Longitude)}\" y1=\"{Y(a.Latitude)}\" x2=\"{X(b.Longitude)}\" y2=\"{Y(b.Latitude)}\" stroke=\"#000\" stroke-width=\"2.5\" stroke-dasharray=\"6,3\"><title>{Escape(k.OcctoName)} ({k.Kind})</title></line>\n");
        }

        foreach (var bus in model.Buses)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(bus.Location.Longitude)}\" cy=\"{Y(bus.Location.Latitude)}\" r=\"2.2\" fill=\"{s_areaColour[bus.Area.Code]}\"><title>{Escape(bus.Name)} ({bus.Area.Code}, {bus.VoltageKv} kV)</title></circle>\n");
        }

        var legend = new (string Colour, string Text, string Dash)[]
        {
            ("#c0392b", "500 kV line", string.Empty), ("#2471a3", "275 kV line", string.Empty), ("#7d8c3a", "220 kV and below (area top class)", string.Empty),
            ("#000", "AC tie", string.Empty), ("#000", "HVDC / frequency converter / BTB link", " stroke-dasharray=\"6,3\""), ("#888", "equivalent (unlisted paths)", " stroke-dasharray=\"2,2\""),
        };
        for (var i = 0; i < legend.Length; i++)
        {
            var y = 40 + (i * 20);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"20\" y1=\"{y}\" x2=\"50\" y2=\"{y}\" stroke=\"{legend[i].Colour}\" stroke-width=\"2\"{legend[i].Dash}/><text x=\"58\" y=\"{y + 4}\" font-size=\"13\">{legend[i].Text}</text>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"20\" y=\"20\" font-size=\"15\" font-weight=\"bold\">WattBit Japan backbone: {model.Buses.Length} buses, {model.Branches.Length} branches, {model.Links.Length} links</text>\n");
        sb.Append("<text x=\"20\" y=\"990\" font-size=\"11\">Data: OCCTO (hama-jp/occto-grid-observatory, MIT); © OpenStreetMap contributors (ODbL)</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
