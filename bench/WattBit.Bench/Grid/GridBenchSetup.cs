using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;
using WattBit.Time;

namespace WattBit.Bench.Grid;

/// <summary>
/// The benchmark case: pglib_opf_case2383wp_k with a deterministic synthetic hourly year (SyntheticProfile, seed 1,
/// from 2025-04-01 00:00 JST) and PV at every fifth load bus (half its Pd).
/// </summary>
internal static class GridBenchSetup
{
    public static readonly DateTimeOffset Start = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    public static PowerNetwork LoadCase() => MatpowerCase.Load(BenchData.Path("grid", "pglib", "pglib_opf_case2383wp_k.m"));

    public static HeadroomEngine Engine(PowerNetwork net, Sensitivities s, int steps, ContingencyCriterion criterion)
    {
        var profile = SyntheticProfile.Create(Start, steps);
        var series = new NetworkTimeSeries(s.Model, profile, SyntheticProfile.SolarAtLoadBuses(net));
        return new HeadroomEngine(s, series, new HeadroomOptions(Criterion: criterion));
    }

    public static void ReportPeakMemory(string what)
    {
        using var p = System.Diagnostics.Process.GetCurrentProcess();
        Console.WriteLine($"// {what}: peak working set {p.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB, GC heap {GC.GetTotalMemory(false) / (1024.0 * 1024):F0} MiB");
    }
}
