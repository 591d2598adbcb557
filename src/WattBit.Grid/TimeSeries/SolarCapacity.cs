using System.Collections.Immutable;
using System.Globalization;
using WattBit.Formats;
using WattBit.Grid.Network;

namespace WattBit.Grid.TimeSeries;

/// <summary>
/// A solar file (formats.md §2): <c>bus,capacity_mw</c>, PV capacity connected at each bus. Several rows for one bus
/// add up. Immutable.
/// </summary>
public static class SolarCapacity
{
    /// <summary>Reads a solar file and returns the PV capacity per bus index (MW) of <paramref name="network"/>.</summary>
    /// <exception cref="InputFormatException">A missing column, a bus not in the case, or a capacity that is not a
    /// non-negative number; names line and column.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ImmutableArray<double> Load(string path, PowerNetwork network) => Parse(CsvTable.ReadFile(path), network);

    /// <summary>Parses a solar table (see <see cref="Load"/>).</summary>
    /// <exception cref="InputFormatException">The table is malformed.</exception>
    public static ImmutableArray<double> Parse(CsvTable table, PowerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(network);
        int busCol = table.Require("bus"), capCol = table.Require("capacity_mw");
        var cap = new double[network.Buses.Length];
        foreach (var row in table.Rows)
        {
            var busText = table.Field(row, busCol);
            if (!int.TryParse(busText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                throw table.Error(row, busCol, $"bus '{busText}' is not a bus number.");
            }

            if (!network.TryGetBusIndex(number, out var index))
            {
                throw table.Error(row, busCol, $"bus {number} is not in the case {network.Name}.");
            }

            var capText = table.Field(row, capCol);
            if (!double.TryParse(capText, NumberStyles.Float, CultureInfo.InvariantCulture, out var mw) || !double.IsFinite(mw) || mw < 0)
            {
                throw table.Error(row, capCol, $"capacity_mw '{capText}' must be a non-negative number of MW.");
            }

            cap[index] += mw;
        }

        return [.. cap];
    }
}
