using System.Collections.Immutable;
using System.Globalization;
using WattBit.Formats;
using WattBit.Grid.Network;

namespace WattBit.Grid.Headroom;

/// <summary>Outage statistics of one branch.</summary>
/// <param name="RatePerYear">Forced outages per year.</param>
/// <param name="DurationHours">Mean outage duration, hours.</param>
public readonly record struct OutageStatistics(double RatePerYear, double DurationHours);

/// <summary>
/// Forced-outage statistics per branch for expected curtailment under ③. The defaults are planning placeholders, not
/// measured statistics: <see cref="DefaultRatePerYear"/> = 1 outage per branch per year and
/// <see cref="DefaultDurationHours"/> = 8 hours; override them per run or per branch with a file
/// <c>branch,rate_per_year,duration_h</c> (branch = 1-based index in file order). Immutable.
/// </summary>
public sealed class OutageModel
{
    /// <summary>Default forced-outage rate, outages per branch per year.</summary>
    public const double DefaultRatePerYear = 1.0;

    /// <summary>Default mean outage duration, hours.</summary>
    public const double DefaultDurationHours = 8.0;

    private readonly ImmutableDictionary<int, OutageStatistics> _overrides;

    /// <summary>Creates a model with a default for every branch and optional per-branch overrides (0-based keys).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate or duration.</exception>
    public OutageModel(double ratePerYear = DefaultRatePerYear, double durationHours = DefaultDurationHours,
        IReadOnlyDictionary<int, OutageStatistics>? overrides = null)
    {
        Check(ratePerYear, nameof(ratePerYear));
        Check(durationHours, nameof(durationHours));
        Default = new OutageStatistics(ratePerYear, durationHours);
        _overrides = overrides?.ToImmutableDictionary() ?? ImmutableDictionary<int, OutageStatistics>.Empty;
    }

    /// <summary>The statistics used for branches without an override.</summary>
    public OutageStatistics Default { get; }

    /// <summary>The statistics of a branch (0-based).</summary>
    public OutageStatistics For(int branch) => _overrides.TryGetValue(branch, out var s) ? s : Default;

    /// <summary>Reads per-branch overrides from <c>branch,rate_per_year,duration_h</c>.</summary>
    /// <exception cref="InputFormatException">A missing column, an unknown branch, or a bad number; names line and column.</exception>
    public static OutageModel Load(string path, PowerNetwork network, double ratePerYear = DefaultRatePerYear, double durationHours = DefaultDurationHours)
    {
        ArgumentNullException.ThrowIfNull(network);
        var table = CsvTable.ReadFile(path);
        int b = table.Require("branch"), r = table.Require("rate_per_year"), d = table.Require("duration_h");
        var overrides = new Dictionary<int, OutageStatistics>();
        foreach (var row in table.Rows)
        {
            var branch = BranchIndex(table, row, b, network);
            overrides[branch] = new OutageStatistics(NonNegative(table, row, r), NonNegative(table, row, d));
        }

        return new OutageModel(ratePerYear, durationHours, overrides);
    }

    internal static int BranchIndex(CsvTable table, CsvRow row, int col, PowerNetwork network)
    {
        var text = table.Field(row, col);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 1 && i <= network.Branches.Length
            ? i - 1
            : throw table.Error(row, col, $"branch '{text}' must be a 1-based branch index between 1 and {network.Branches.Length}.");
    }

    private static double NonNegative(CsvTable table, CsvRow row, int col)
    {
        var text = table.Field(row, col);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0
            ? v
            : throw table.Error(row, col, $"'{text}' must be a non-negative number.");
    }

    private static void Check(double v, string name)
    {
        if (!double.IsFinite(v) || v < 0)
        {
            throw new ArgumentOutOfRangeException(name, v, "must be a non-negative number.");
        }
    }
}

/// <summary>A planned-maintenance window: a branch out of service over [Start, End).</summary>
/// <param name="Branch">0-based branch index.</param>
/// <param name="Start">Start (inclusive).</param>
/// <param name="End">End (exclusive).</param>
public sealed record MaintenanceWindow(int Branch, DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>Reads windows from <c>branch,start,end</c> (1-based branch, ISO 8601 timestamps with offsets).</summary>
    /// <exception cref="InputFormatException">A missing column, an unknown branch, a bad timestamp, or end ≤ start.</exception>
    public static ImmutableArray<MaintenanceWindow> Load(string path, PowerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var table = CsvTable.ReadFile(path);
        int b = table.Require("branch"), s = table.Require("start"), e = table.Require("end");
        var list = ImmutableArray.CreateBuilder<MaintenanceWindow>();
        foreach (var row in table.Rows)
        {
            var branch = OutageModel.BranchIndex(table, row, b, network);
            var start = Time(table, row, s);
            var end = Time(table, row, e);
            if (end <= start)
            {
                throw table.Error(row, e, "end must be after start.");
            }

            list.Add(new MaintenanceWindow(branch, start, end));
        }

        return list.ToImmutable();
    }

    private static DateTimeOffset Time(CsvTable table, CsvRow row, int col) =>
        Iso8601.TryParse(table.Field(row, col), out var t, out var reason) ? t : throw table.Error(row, col, reason + ".");
}
