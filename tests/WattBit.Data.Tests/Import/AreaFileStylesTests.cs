using System.Globalization;
using System.Text;
using WattBit.Data.Import;
using K = WattBit.Data.Import.SupplyDemandKeys;

namespace WattBit.Data.Tests.Import;

/// <summary>The same random day written in each publisher's style must import to the same series.</summary>
public sealed class AreaFileStylesTests
{
    private static readonly string[] s_columns =
        ["エリア需要", "原子力", "火力(LNG)", "火力(石炭)", "火力(石油)", "火力(その他)", "水力", "地熱", "バイオマス", "太陽光発電実績", "太陽光出力制御量", "風力発電実績", "風力出力制御量", "揚水", "蓄電池", "連系線", "その他", "合計"];

    private static (string Tokyo, string Kyushu) Write(int seed)
    {
        var rng = new Random(seed);
        var tokyo = new StringBuilder("単位[MW平均],,,供給力\nDATE,TIME," + string.Join(',', s_columns) + "\n");
        var kyushu = new StringBuilder("\"単位[MW平均]\",\"\",\"\",\"供給力\"\n\"DATE\",\"TIME\"," + string.Join(',', s_columns.Select(c => $"\"{c.Normalize(NormalizationForm.FormKC).Replace("(", "（", StringComparison.Ordinal).Replace(")", "）", StringComparison.Ordinal)}\"")) + "\n");
        for (var slot = 0; slot < 48; slot++)
        {
            var v = new int[s_columns.Length];
            for (var k = 1; k < 17; k++)
            {
                v[k] = k is 10 or 12 ? rng.Next(0, 50) : rng.Next(-200, 3000);
            }

            var supply = 0;
            for (var k = 1; k < 17; k++)
            {
                supply += k is 10 or 12 ? 0 : v[k];
            }

            v[17] = supply;
            v[0] = supply + rng.Next(-3, 4);
            if (v[0] <= 0)
            {
                v[0] = 1;
            }

            var start = TimeSpan.FromMinutes(30 * slot);
            var end = start + TimeSpan.FromMinutes(30);
            tokyo.Append(CultureInfo.InvariantCulture, $"2026/4/1,{(int)start.TotalHours}:{start.Minutes:00},{string.Join(',', v)}\n");
            var kv = (int[])v.Clone();
            kv[15] = -kv[15]; // Kyushu writes exports as positive
            kv[17] = supply; // total = others - written export = others + import
            kyushu.Append(CultureInfo.InvariantCulture, $"\"20260401\",\"{(int)end.TotalHours}:{end.Minutes:00}\",{string.Join(',', kv.Select(x => $"\"{x}\""))}\n");
        }

        return (tokyo.ToString(), kyushu.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void SameDay_TokyoStyleUtf8AndKyushuStyleCp932_ImportIdentically(int seed)
    {
        var (tokyo, kyushu) = Write(seed);
        var a = AreaSupplyDemandImporter.Parse(Encoding.UTF8.GetBytes(tokyo), "eria_jukyu_202604_09.csv");
        var b = AreaSupplyDemandImporter.Parse(TextDecoding.Cp932.GetBytes(kyushu), "eria_jukyu_202604_09.csv");
        Assert.Equal("utf-8", a.Encoding);
        Assert.Equal("cp932", b.Encoding);
        Assert.False(a.EndLabelled);
        Assert.True(b.EndLabelled);
        Assert.Equal(a.Start, b.Start);
        foreach (var key in a.Series.Keys.Where(k => k != K.Total))
        {
            Assert.Equal(a[key].Values.ToArray(), b[key].Values.ToArray());
        }

        Assert.DoesNotContain(a.Warnings, w => w.Message.Contains("add up", StringComparison.Ordinal));
        Assert.DoesNotContain(b.Warnings, w => w.Message.Contains("add up", StringComparison.Ordinal));
    }
}
