using System.Text.Json;
using WattBit.Formats;

namespace WattBit.Core.Tests;

/// <summary>The observed ties' mean flow by hour of day (decision 0211) against the same means taken straight from OCCTO's files.</summary>
public sealed class OcctoTieFlowsTests
{
    [Fact]
    public void ByHourOfDay_IsTheMeanOfEachHoursTwoHalfHoursOverTheDays_InTheFilesDirection()
    {
        var files = Directory.GetFiles(Testing.SharedData.Path("japan", "occto"), "dashboard-*.json").Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 20, $"{files.Length} OCCTO days");
        var profiles = OcctoTieFlows.ByHourOfDay(files.Select(OcctoDay.Load));

        // The oracle: the JSON read here, the HVDC link's and the converters' values summed by hand.
        foreach (var name in (string[])["北海道・本州間電力連系設備", "周波数変換設備", "阿南紀北直流幹線"])
        {
            var sum = new double[24];
            var count = new int[24];
            foreach (var file in files)
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                var tie = doc.RootElement.GetProperty("flows").GetProperty("intertieSeries").EnumerateArray().Single(t => t.GetProperty("intertieName").GetString() == name);
                var values = tie.GetProperty("values").EnumerateArray().ToArray();
                for (var h = 0; h < 24; h++)
                {
                    if (values[2 * h].ValueKind == JsonValueKind.Number && values[(2 * h) + 1].ValueKind == JsonValueKind.Number)
                    {
                        sum[h] += (values[2 * h].GetDouble() + values[(2 * h) + 1].GetDouble()) / 2;
                        count[h]++;
                    }
                }
            }

            var (_, _, mean) = profiles[name];
            for (var h = 0; h < 24; h++)
            {
                Assert.Equal(sum[h] / count[h], mean[h], 9);
            }
        }

        var fc = profiles["周波数変換設備"];
        Assert.Equal("TK", fc.From?.Code);
        Assert.Equal("CB", fc.To?.Code);
        Assert.True(fc.MeanMw.Average() < 0, "over these days the converters carried power from Chubu to Tokyo on average");
    }
}
