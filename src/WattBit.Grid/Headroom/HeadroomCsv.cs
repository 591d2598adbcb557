using System.Globalization;
using WattBit.Formats;
using WattBit.Grid.Network;
using WattBit.Headroom;

namespace WattBit.Grid.Headroom;

/// <summary>Writers of the headroom outputs of formats.md §4.</summary>
public static class HeadroomCsv
{
    /// <summary>The header of the headroom file.</summary>
    public const string Header = "timestamp,bus,n0_mw,n1_mw,n0_branch,n1_branch,n1_contingency";

    /// <summary>Formats MW with up to 6 decimals; NaN (missing) as an empty cell.</summary>
    public static string Mw(double v) => double.IsNaN(v) ? string.Empty : Math.Round(v, 6).ToString("0.######", CultureInfo.InvariantCulture);

    private static string Index(int zeroBased) => zeroBased < 0 ? string.Empty : (zeroBased + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the rows of one bus: <c>timestamp,bus,n0_mw,n1_mw,n0_branch,n1_branch,n1_contingency</c>, branch and
    /// contingency as 1-based indexes in file order (empty: none — capped, or base case for the contingency).
    /// </summary>
    public static void WriteRows(TextWriter writer, PowerNetwork network, IReadOnlyList<DateTimeOffset> timestamps, BusHeadroom h)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(h);
        var bus = network.Buses[h.Bus].Number.ToString(CultureInfo.InvariantCulture);
        for (var t = 0; t < timestamps.Count; t++)
        {
            var n1 = !double.IsNaN(h.N1Mw[t]);
            writer.Write(Iso8601.Format(timestamps[t]));
            writer.Write(',');
            writer.Write(bus);
            writer.Write(',');
            writer.Write(Mw(h.N0Mw[t]));
            writer.Write(',');
            writer.Write(Mw(h.N1Mw[t]));
            writer.Write(',');
            writer.Write(Index(h.N0Branch[t]));
            writer.Write(',');
            writer.Write(n1 ? Index(h.N1Branch[t]) : string.Empty);
            writer.Write(',');
            writer.Write(n1 ? Index(h.N1Contingency[t]) : string.Empty);
            writer.Write('\n');
        }
    }

    /// <summary>The header of the provisional profile file (with <paramref name="byMonth"/>: a month column 1-12 after bus).</summary>
    public static string ProfileHeader(bool byMonth) => byMonth ? "bus,month,hour,n0_mw,n1_mw" : "bus,hour,n0_mw,n1_mw";

    /// <summary>Writes the provisional profile rows of one bus (<c>bus,hour,n0_mw,n1_mw</c>, or by month; hours are JST).</summary>
    /// <param name="writer">The output.</param>
    /// <param name="network">The case.</param>
    /// <param name="busIndex">0-based index of the bus.</param>
    /// <param name="p">Its profile.</param>
    /// <param name="byMonth">Write month × hour rows.</param>
    public static void WriteProfile(TextWriter writer, PowerNetwork network, int busIndex, ProvisionalProfile p, bool byMonth)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(p);
        var bus = network.Buses[busIndex].Number.ToString(CultureInfo.InvariantCulture);
        if (!byMonth)
        {
            for (var h = 0; h < 24; h++)
            {
                writer.Write($"{bus},{h.ToString(CultureInfo.InvariantCulture)},{Mw(p.N0Mw[h])},{Mw(p.N1Mw[h])}\n");
            }

            return;
        }

        for (var month = 0; month < 12; month++)
        {
            for (var h = 0; h < 24; h++)
            {
                var slot = (month * 24) + h;
                if (double.IsNaN(p.MonthlyN0Mw[slot]))
                {
                    continue; // no step of the period in this month
                }

                writer.Write($"{bus},{(month + 1).ToString(CultureInfo.InvariantCulture)},{h.ToString(CultureInfo.InvariantCulture)},{Mw(p.MonthlyN0Mw[slot])},{Mw(p.MonthlyN1Mw[slot])}\n");
            }
        }
    }
}
