using System.Globalization;
using BenchmarkDotNet.Attributes;
using WattBit.Data.Import;

namespace WattBit.Bench.Data;

/// <summary>
/// Import throughput of the area supply-demand importer over the whole Tokyo folder (17 monthly files, ~22,900 rows),
/// read into memory first so only parsing is measured. Baseline: splitting every line and parsing every number with
/// no checks (the floor any CSV importer pays). Rows/s = 22,868 / mean time.
/// </summary>
[MemoryDiagnoser]
public class ImportBenchmarks
{
    private (string Name, byte[] Bytes)[] _files = [];

    [GlobalSetup]
    public void Setup() =>
        _files = [.. Directory.GetFiles(BenchData.Path("japan", "area-supply-demand", "tokyo"), "*.csv").Order(StringComparer.Ordinal)
            .Select(f => (f, File.ReadAllBytes(f)))];

    [Benchmark(Baseline = true)]
    public double SplitAndParseOnly()
    {
        double sum = 0;
        foreach (var (_, bytes) in _files)
        {
            var text = TextDecoding.Decode(bytes, out _);
            foreach (var line in text.Split('\n').Skip(2))
            {
                foreach (var field in line.Split(',').Skip(2))
                {
                    if (double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    {
                        sum += v;
                    }
                }
            }
        }

        return sum;
    }

    [Benchmark]
    public int ImportTokyoYear()
    {
        var rows = 0;
        foreach (var (name, bytes) in _files)
        {
            rows += AreaSupplyDemandImporter.Parse(bytes, name).Rows;
        }

        return rows;
    }

    [Benchmark]
    public int ImportAndMergeTokyoYear() =>
        AreaSupplyDemand.Merge(_files.Select(f => AreaSupplyDemandImporter.Parse(f.Bytes, f.Name))).Rows;
}
