using System.Text;
using WattBit.Data.Import;
using WattBit.Formats;
using WattBit.Testing;
using WattBit.Time;

namespace WattBit.Data.Tests.Import;

public sealed class JepxSpotImporterTests
{
    private static string Year(int y) => SharedData.Path("japan", "jepx", $"spot_summary_{y}.csv");

    [Fact]
    public void Import_Fy2025_FirstSlotMatchesTheFile()
    {
        var spot = JepxSpotImporter.ReadFile(Year(2025));
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset), spot.Window.Start);
        Assert.Equal(16752, spot.Rows);
        Assert.Equal(16752, spot.SystemPrice.Count);
        Assert.Equal(13.50, spot.SystemPrice[0]);
        Assert.Equal(15.41, spot.AreaPrices["TK"][0]);
        Assert.Equal(11.00, spot.AreaPrices["CB"][0]);
        Assert.Equal(7.81, spot.AreaPrices["SK"][0]);
        Assert.Equal(14.25, spot.AreaPrices["HKD"][1]);
        Assert.Equal(9, spot.AreaPrices.Locations.Count);
    }

    [Fact]
    public void Import_Calendar2024_BlankRowsAreSkippedAndReported()
    {
        var spot = JepxSpotImporter.ReadFile(Year(2024));
        Assert.Equal(366 * 48, spot.Rows);
        Assert.False(spot.SystemPrice.HasMissing);
        Assert.Contains(spot.Warnings, w => w.Message.Contains("4320 empty row(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_SeveralYears_AreOneContiguousSeries()
    {
        var spot = JepxSpotImporter.ReadFiles([Year(2023), Year(2024)]);
        Assert.Equal((365 + 366) * 48, spot.SystemPrice.Count);
        Assert.False(spot.SystemPrice.HasMissing);
    }

    [Fact]
    public void Import_NegativePrice_FailsWithLineAndColumn()
    {
        var text = Encoding.UTF8.GetBytes(Header + "2025/04/01,1,1,1,1,-3,1,1,1,1,1,1,1,1,1,1,1,1,1\n");
        var ex = Assert.Throws<InputFormatException>(() => JepxSpotImporter.Parse([("bad.csv", text)]));
        Assert.Equal(2, ex.Line);
        Assert.Contains("impossible price", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_DuplicateSlotWithOtherPrices_Fails()
    {
        var text = Encoding.UTF8.GetBytes(Header + "2025/04/01,1,1,1,1,5,1,1,1,1,1,1,1,1,1,1,1,1,1\n2025/04/01,1,1,1,1,6,1,1,1,1,1,1,1,1,1,1,1,1,1\n");
        var ex = Assert.Throws<InputFormatException>(() => JepxSpotImporter.Parse([("dup.csv", text)]));
        Assert.Equal(3, ex.Line);
        Assert.Contains("line 2", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_WrongFile_SaysWhatIsMissing()
    {
        var ex = Assert.Throws<InputFormatException>(() => JepxSpotImporter.ReadFile(SharedData.Path("japan", "facts", "areas.csv")));
        Assert.Contains("JEPX", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_TruncatedRow_FailsNamingTheLine()
    {
        var text = Encoding.UTF8.GetBytes(Header + "2025/04/01,1,1,1,1,5,1,1,1,1,1,1,1,1,1,1,1,1,1\n2025/04/01,2,1,1,1,5,1,1\n");
        var ex = Assert.Throws<InputFormatException>(() => JepxSpotImporter.Parse([("cut.csv", text)]));
        Assert.Equal(3, ex.Line);
        Assert.Contains("truncated", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_WrongEncoding_FailsAtTheHeader()
    {
        var utf16 = Encoding.Unicode.GetBytes(Header + "2025/04/01,1,1,1,1,5,1,1,1,1,1,1,1,1,1,1,1,1,1\n");
        var ex = Assert.Throws<InputFormatException>(() => JepxSpotImporter.Parse([("utf16.csv", utf16)]));
        Assert.Equal(1, ex.Line);
        Assert.Contains("encoding", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ShuffledAreaColumns_AreFoundByName()
    {
        var cols = Header.TrimEnd('\n').Split(',');
        (cols[8], cols[14]) = (cols[14], cols[8]); // 東京 <-> 九州
        var text = Encoding.UTF8.GetBytes(string.Join(',', cols) + "\n2025/04/01,1,1,1,1,5,1,1,33,1,1,1,1,1,44,1,1,1,1\n");
        var spot = JepxSpotImporter.Parse([("shuffled.csv", text)]);
        Assert.Equal(44, spot.AreaPrices["TK"][0]);
        Assert.Equal(33, spot.AreaPrices["KY"][0]);
    }

    private const string Header =
        "受渡日,時刻コード,売り入札量(kWh),買い入札量(kWh),約定総量(kWh),システムプライス(円/kWh),エリアプライス北海道(円/kWh),エリアプライス東北(円/kWh),エリアプライス東京(円/kWh),エリアプライス中部(円/kWh),エリアプライス北陸(円/kWh),エリアプライス関西(円/kWh),エリアプライス中国(円/kWh),エリアプライス四国(円/kWh),エリアプライス九州(円/kWh),a,b,c,d\n";
}
