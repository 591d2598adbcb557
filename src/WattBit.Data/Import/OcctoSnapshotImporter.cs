using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Data.Import;

/// <summary>One day of OCCTO grid data: intertie flows and each area's demand and supply capacity (MW, 30 min).</summary>
/// <param name="Source">The file.</param>
/// <param name="Day">The day (JST).</param>
/// <param name="Interties">The interties, in file order (Core's one tie record; <see cref="OcctoTie.From"/> is null for the "fence" aggregates).</param>
/// <param name="AreaDemand">Area demand (需要), MW, by area code.</param>
/// <param name="AreaSupply">Area supply capacity (供給力), MW, by area code.</param>
public sealed record OcctoSnapshot(string Source, DateOnly Day, IReadOnlyList<OcctoTie> Interties,
    IReadOnlyDictionary<string, TimeSeries> AreaDemand, IReadOnlyDictionary<string, TimeSeries> AreaSupply)
{
    /// <summary>00:00 JST of <see cref="Day"/>: the start of slot 0.</summary>
    public DateTimeOffset Start => new(Day.ToDateTime(TimeOnly.MinValue), Jst.Offset);

    /// <summary>A tie's flow as a half-hourly series over the day, MW, positive from its From area to its To area.</summary>
    /// <param name="tie">One of <see cref="Interties"/>.</param>
    public TimeSeries Flow(OcctoTie tie) => (tie ?? throw new ArgumentNullException(nameof(tie))).Flow(Start);
}

/// <summary>
/// Reads the OCCTO grid-observatory day snapshots (<c>dashboard-YYYYMMDD.json</c>): <c>flows.intertieSeries</c> and
/// <c>reserves.areaSeries</c>. Slots are start-labelled 00:00 .. 23:30 JST (the file's <c>slotLabels.flow</c>).
/// </summary>
public static class OcctoSnapshotImporter
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(30);

    /// <summary>Reads a snapshot file.</summary>
    /// <exception cref="InputFormatException">The file is not valid JSON or lacks the expected parts.</exception>
    public static OcctoSnapshot ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses a snapshot's bytes (UTF-8 JSON) with the one OCCTO reader, <see cref="OcctoDay"/>.</summary>
    /// <exception cref="InputFormatException">The content is not valid JSON or lacks the expected parts.</exception>
    public static OcctoSnapshot Parse(ReadOnlyMemory<byte> content, string source)
    {
        var day = OcctoDay.Parse(content, source);
        var start = day.Start;
        var demand = day.DemandMw.ToDictionary(x => x.Key, x => Series(x.Value, start, $"{x.Key} demand"), StringComparer.Ordinal);
        var supply = day.SupplyMw.ToDictionary(x => x.Key, x => Series(x.Value, start, $"{x.Key} supply"), StringComparer.Ordinal);
        return new OcctoSnapshot(source, day.Day, day.Ties, demand, supply);
    }

    private static TimeSeries Series(double[] values, DateTimeOffset start, string what) =>
        TimeSeries.Wrap(start, s_step, values, SeriesUnit.Megawatts, what);
}
