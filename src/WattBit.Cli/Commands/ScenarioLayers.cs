using WattBit.Composition;
using WattBit.Grid.Japan;
using WattBit.Grid.Layer;
using WattBit.Headroom;
using WattBit.Planning.Scenarios;

namespace WattBit.Cli.Commands;

/// <summary>
/// Reads a planning scenario, composing the headroom layer when a site's connection names its substation: the Japan
/// backbone over the scenario's days (JST), for just the named substations (a few seconds), and the forecasting engine's
/// quantiles of their headroom from the scenario's start (<see cref="BackboneHeadroomForecast"/>, the server's quantiles
/// route's forecast), on which a flexible connection plans (decision 0168).
/// </summary>
internal static class ScenarioLayers
{
    /// <summary>Reads the scenario; the layer is computed only when a connection names a substation.</summary>
    /// <exception cref="WattBit.Formats.InputFormatException">The scenario is malformed (file, line, column).</exception>
    public static Scenario Read(string path)
    {
        var text = File.ReadAllText(path);
        var (ids, window) = ScenarioReader.NamedSubstations(text);
        IHeadroomLayer? layer = null;
        IHeadroomForecast? forecast = null;
        if (ids.Count > 0 && window is { } w)
        {
            var start = w.Start.ToOffset(WattBit.Time.Jst.Offset);
            var from = new DateTimeOffset(start.Year, start.Month, start.Day, 0, 0, 0, WattBit.Time.Jst.Offset);
            var days = (int)Math.Ceiling((w.End - from).TotalDays);
            var fy = from.Month >= 4 ? from.Year : from.Year - 1;
            var known = JapanLayer.Nodes(JapanBackbone.LoadDefault()).Select(n => n.Substation.Id).ToHashSet(StringComparer.Ordinal);
            var compute = ids.Where(known.Contains).ToList();

            // Unknown ids are left to the reader, which names the file, line and field.
            layer = compute.Count == 0
                ? new HeadroomTable(new HeadroomLayerInfo(JapanLayer.ModelName, true, "none computed", from, 0), [])
                : LayerCommands.JapanLayerOf(fy, 1, from, days, $"{path}: start / horizon_hours", compute).Layer;
            forecast = new BackboneHeadroomForecast(w.Start, 1);
        }

        return ScenarioReader.Parse(text, path, layer, forecast);
    }
}
