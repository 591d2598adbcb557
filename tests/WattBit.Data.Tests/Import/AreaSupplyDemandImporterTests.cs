using System.Text;
using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Formats;
using WattBit.Testing;
using K = WattBit.Data.Import.SupplyDemandKeys;
using WattBit.Time;

namespace WattBit.Data.Tests.Import;

public sealed class AreaSupplyDemandImporterTests
{
    private static string Mock(string name) => SharedData.Path("japan", "area-supply-demand", "mocks", name);

    private static readonly DateTimeOffset s_april1 = new(2026, 4, 1, 0, 0, 0, Jst.Offset);

    [Fact]
    public void Import_Cp932File_ParsesJapaneseHeaders()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("eria_jukyu_202604_01.csv"));
        Assert.Equal("cp932", d.Encoding);
        Assert.Equal(JapanAreas.Hokkaido, d.Area);
        Assert.Equal(AreaFileFormat.Current, d.Format);
        Assert.Equal(s_april1, d.Start);
        Assert.Equal(2930, d[K.Demand][0]);
        Assert.Equal(1079, d[K.ThermalCoal][0]);
        Assert.Equal(0, d[K.ThermalCurtailed][0]);
        Assert.Equal(-84, d[K.Interconnection][0]);
        Assert.False(d.InterconnectionFlipped);
    }

    [Fact]
    public void Import_Utf8File_IsDetectedAsUtf8()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("eria_jukyu_202604_03.csv"));
        Assert.Equal("utf-8", d.Encoding);
        Assert.Equal(JapanAreas.Tokyo, d.Area);
        Assert.Equal(23907, d[K.Demand][0]);
        Assert.Equal(2256, d[K.Interconnection][0]); // Tokyo writes positive = import already
    }

    [Fact]
    public void Import_Kyushu_EndLabelledQuotedCompactDates_AreStartLabelledAndExportSignFlipped()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("eria_jukyu_202604_09.csv"));
        Assert.Equal(JapanAreas.Kyushu, d.Area);
        Assert.True(d.EndLabelled);
        Assert.Equal(s_april1, d.Start); // "20260401","0:30" is the slot 0:00-0:30
        Assert.Equal(7838, d[K.Demand][0]);
        Assert.True(d.InterconnectionFlipped);
        Assert.Equal(-1716, d[K.Interconnection][0]); // Kyushu exports 1716 MW: negative in our convention
        Assert.Equal(3662, d[K.Nuclear][0]);
        Assert.Equal(734, d[K.ThermalLng][0]); // 火力（ＬＮＧ） in full-width letters
        Assert.DoesNotContain(d.Warnings, w => w.Message.Contains("add up", StringComparison.Ordinal) && w.Line == 3);
    }

    [Fact]
    public void Import_Kyushu_LastSlotLabelled2400_IsTheSlotBeforeMidnight()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("eria_jukyu_202604_09.csv"));
        var text = TextDecoding.Decode(File.ReadAllBytes(Mock("eria_jukyu_202604_09.csv")), out _);
        var line = text.Split('\n').First(l => l.StartsWith("\"20260401\",\"24:00\"", StringComparison.Ordinal));
        var demand = double.Parse(line.Split(',')[2].Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(demand, d[K.Demand][47]);
    }

    [Fact]
    public void Import_FullWidthParentheses_MapToTheSameKeys()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("eria_jukyu_202604_06.csv"));
        Assert.Equal(JapanAreas.Kansai, d.Area);
        Assert.Equal(3003, d[K.ThermalLng][0]);
        Assert.Equal(563, d[K.ThermalOther][0]);
    }

    [Fact]
    public void Import_TohokuRealtime_IsRecognisedWithNegativeSolarKept()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("realtime_jukyu_20260415_02.csv"));
        Assert.Equal(AreaFileFormat.TohokuRealtime, d.Format);
        Assert.Equal(JapanAreas.Tohoku, d.Area);
        Assert.Equal(new DateTimeOffset(2026, 4, 15, 0, 0, 0, Jst.Offset), d.Start);
        Assert.Equal(-3, d[K.Solar][0]);
        Assert.Contains(d.Warnings, w => w.Line == 46 && w.Message.Contains("5 row(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_EmptyColumn_IsNotImportedAndSaysSo()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("eria_jukyu_202604_08.csv"));
        Assert.Equal(JapanAreas.Shikoku, d.Area);
        Assert.False(d.Has(K.Geothermal));
        Assert.Single(d.Warnings, w => w.Message.Contains("geothermal", StringComparison.Ordinal));
        Assert.DoesNotContain(d.Warnings, w => w.Message.Contains("empty cell", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("eria_jukyu_202604_01.csv", "HKD")]
    [InlineData("realtime_jukyu_20260415_02.csv", "TH")]
    [InlineData("eria_jukyu_202604_03.csv", "TK")]
    [InlineData("eria_jukyu_202603_04.csv", "CB")]
    [InlineData("eria_jukyu_202604_05.csv", "HR")]
    [InlineData("eria_jukyu_202604_06.csv", "KN")]
    [InlineData("eria_jukyu_202604_07.csv", "CG")]
    [InlineData("eria_jukyu_202604_08.csv", "SK")]
    [InlineData("eria_jukyu_202604_09.csv", "KY")]
    [InlineData("eria_jukyu_202604_10.csv", "ON")]
    public void Import_EveryAreaMock_KeepsEveryRowAndBalancesMostRows(string file, string area)
    {
        var path = Mock(file);
        var d = AreaSupplyDemandImporter.ReadFile(path);
        Assert.Equal(area, d.Area.Code);
        var dataLines = File.ReadAllLines(path).Skip(2).Count(l => l.Split(',').Skip(2).Any(f => f.Trim('"').Length > 0));
        Assert.Equal(dataLines, d.Rows);
        Assert.Equal(d.Rows, d[K.Demand].Values.ToArray().Count(v => !double.IsNaN(v)));
        var unbalanced = d.Warnings.Count(w => w.Message.Contains("add up", StringComparison.Ordinal));
        Assert.True(unbalanced * 10 < d.Rows, $"{unbalanced} of {d.Rows} rows do not balance: {string.Join("; ", d.Warnings.Take(3))}");
    }

    [Fact]
    public void Import_Legacy2016Tohoku_HourlyMwhHeldOverBothHalfHours()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("juyo_2016_tohoku_1Q.csv"));
        Assert.Equal(AreaFileFormat.LegacyHourly, d.Format);
        Assert.Equal(TimeSpan.FromHours(1), d.SourceStep);
        Assert.Equal(new DateTimeOffset(2016, 4, 1, 0, 0, 0, Jst.Offset), d.Start);
        Assert.Equal(2 * d.Rows, d.Count);
        Assert.Equal(7887, d[K.Demand][0]);
        Assert.Equal(7887, d[K.Demand][1]);
        Assert.Equal(8158, d[K.Demand][2]);
        Assert.Equal(-2200, d[K.Interconnection][0]);
        Assert.Equal(46, d[K.Wind][0]);
        Assert.DoesNotContain(d.Warnings, w => w.Message.Contains("add up", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_Legacy2016Hokkaido_DateWrittenOnceADayIsCarriedForward()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("sup_dem_results_2016_1q.csv"));
        Assert.Equal(JapanAreas.Hokkaido, d.Area);
        Assert.Equal(3166, d[K.Demand][0]);
        Assert.Equal(3282, d[K.Demand][2]); // ",1時" -> 2016/4/1 1:00
        Assert.Equal(3176, d[K.Demand][48]); // 2016/4/2 0時
        Assert.True(d.Has(K.Total));
        Assert.DoesNotContain(d.Warnings, w => w.Message.Contains("add up", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_Legacy2016TwoRowHeader_CombinesGroupAndSubColumn()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("area_jyukyu_jisseki_2016.csv"), JapanAreas.Chubu);
        Assert.True(d.Has(K.Solar));
        Assert.True(d.Has(K.SolarCurtailed));
        Assert.True(d.Has(K.WindCurtailed));
        Assert.Equal(41, d[K.Wind][0]);
        Assert.Equal(1625, d[K.Interconnection][0]);
        Assert.DoesNotContain(d.Warnings, w => w.Message.Contains("add up", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_FileNameSaysTheArea_ExplicitAreaDoesNotOverrideIt()
    {
        var d = AreaSupplyDemandImporter.ReadFile(Mock("eria_jukyu_202604_09.csv"), JapanAreas.Chubu);
        Assert.Equal(JapanAreas.Kyushu, d.Area);
    }

    [Fact]
    public void Import_LegacyFileWithoutAreaInName_NeedsTheArea()
    {
        var ex = Assert.Throws<InputFormatException>(() => AreaSupplyDemandImporter.ReadFile(Mock("area_jyukyu_jisseki_2016.csv")));
        Assert.Contains("area", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_RowNotBalancing_IsWarnedWithFileAndLine()
    {
        var lines = ReadLines("eria_jukyu_202604_01.csv");
        lines[4] = ReplaceField(lines[4], 21, "2990"); // total off by 60 MW on line 5
        var d = Parse(lines, "eria_jukyu_202604_01.csv");
        var w = Assert.Single(d.Warnings, w => w.Message.Contains("add up", StringComparison.Ordinal));
        Assert.Equal(5, w.Line);
        Assert.StartsWith("eria_jukyu_202604_01.csv:5:", w.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ShuffledColumns_GiveTheSameSeries()
    {
        var lines = ReadLines("eria_jukyu_202604_01.csv");
        var shuffled = lines.Select((l, i) => i == 0 ? l : Swap(l, 3, 19)).ToArray();
        var a = Parse(lines, "eria_jukyu_202604_01.csv");
        var b = Parse(shuffled, "eria_jukyu_202604_01.csv");
        foreach (var (key, s) in a.Series)
        {
            Assert.Equal(s.Values.ToArray(), b[key].Values.ToArray());
        }
    }

    [Fact]
    public void Import_TruncatedFile_FailsNamingTheLastLine()
    {
        var lines = ReadLines("eria_jukyu_202604_01.csv");
        var cut = lines.Take(30).Append(lines[30][..12]).ToArray();
        var ex = Assert.Throws<InputFormatException>(() => Parse(cut, "eria_jukyu_202604_01.csv"));
        Assert.Equal(31, ex.Line);
        Assert.Contains("truncated", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_WrongEncoding_FailsAtTheHeader()
    {
        var text = string.Join('\n', ReadLines("eria_jukyu_202604_01.csv"));
        var utf16 = Encoding.Unicode.GetBytes(text);
        var ex = Assert.Throws<InputFormatException>(() => AreaSupplyDemandImporter.Parse(utf16, "eria_jukyu_202604_01.csv"));
        Assert.Contains("encoding", ex.Problem, StringComparison.Ordinal);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void Import_DuplicateSlotWithOtherValues_FailsNamingBothLines()
    {
        var lines = ReadLines("eria_jukyu_202604_01.csv").ToList();
        lines.Insert(5, ReplaceField(lines[3], 2, "3000"));
        var ex = Assert.Throws<InputFormatException>(() => Parse([.. lines], "eria_jukyu_202604_01.csv"));
        Assert.Equal(6, ex.Line);
        Assert.Contains("line 4", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ExactlyRepeatedRow_IsKeptOnceWithAWarning()
    {
        var lines = ReadLines("eria_jukyu_202604_01.csv").ToList();
        var rows = AreaSupplyDemandImporter.ReadFile(Mock("eria_jukyu_202604_01.csv")).Rows;
        lines.Insert(5, lines[3]);
        var d = Parse([.. lines], "eria_jukyu_202604_01.csv");
        Assert.Contains(d.Warnings, w => w.Line == 6 && w.Message.Contains("repeats line 4", StringComparison.Ordinal));
        Assert.Equal(rows + 1, d.Rows);
    }

    [Theory]
    [InlineData(2, "-10", "impossible area demand")]
    [InlineData(4, "250000", "impossible value")]
    [InlineData(5, "12x", "is not a number")]
    public void Import_ImpossibleValue_FailsNamingLineAndColumn(int field, string value, string message)
    {
        var lines = ReadLines("eria_jukyu_202604_01.csv");
        lines[10] = ReplaceField(lines[10], field, value);
        var ex = Assert.Throws<InputFormatException>(() => Parse(lines, "eria_jukyu_202604_01.csv"));
        Assert.Equal(11, ex.Line);
        Assert.True(ex.Column > 0);
        Assert.Contains(message, ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_MissingSlots_AreNaNAndReported()
    {
        var lines = ReadLines("eria_jukyu_202604_01.csv").ToList();
        lines.RemoveRange(10, 2);
        var d = Parse([.. lines], "eria_jukyu_202604_01.csv");
        Assert.True(double.IsNaN(d[K.Demand][8]));
        Assert.Contains(d.Warnings, w => w.Message.Contains("no data for 2 slot(s)", StringComparison.Ordinal));
    }

    internal static string[] ReadLines(string mock) =>
        TextDecoding.Decode(File.ReadAllBytes(Mock(mock)), out _).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    internal static AreaSupplyDemand Parse(string[] lines, string name) =>
        AreaSupplyDemandImporter.Parse(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), name);

    private static string ReplaceField(string line, int index, string value)
    {
        var f = line.Split(',');
        f[index] = value;
        return string.Join(',', f);
    }

    private static string Swap(string line, int a, int b)
    {
        var f = line.Split(',');
        if (f.Length > Math.Max(a, b))
        {
            (f[a], f[b]) = (f[b], f[a]);
        }

        return string.Join(',', f);
    }
}
