using System.Text;
using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Formats;
using WattBit.Testing;
using WattBit.Time;

namespace WattBit.Data.Tests.Import;

public sealed class OcctoSnapshotImporterTests
{
    [Fact]
    public void Import_Snapshot_IntertiesAndAreaSeries()
    {
        var s = OcctoSnapshotImporter.ReadFile(SharedData.Path("japan", "occto", "dashboard-20260503.json"));
        Assert.Equal(new DateOnly(2026, 5, 3), s.Day);
        Assert.Equal(13, s.Interties.Count);
        var soma = s.Interties[0];
        Assert.Equal("相馬双葉幹線", soma.Name);
        Assert.Equal(JapanAreas.Tohoku, soma.From);
        Assert.Equal(JapanAreas.Tokyo, soma.To);
        Assert.Equal(3903.3, soma.FlowMw[0]);
        Assert.Equal(3903.3, s.Flow(soma)[0]);
        Assert.Equal(new DateTimeOffset(2026, 5, 3, 0, 0, 0, Jst.Offset), s.Flow(soma).Start);
        Assert.Equal(TimeSpan.FromMinutes(30), s.Flow(soma).Step);
        Assert.Null(s.Interties.Single(i => i.Name == "中部フェンス").From);
        Assert.Equal(10, s.AreaDemand.Count);
        Assert.Equal(2392, s.AreaDemand["HKD"][0]);
        Assert.Equal(2699, s.AreaSupply["HKD"][0]);
    }

    [Fact]
    public void Import_BrokenJson_FailsWithPosition()
    {
        var ex = Assert.Throws<InputFormatException>(() => OcctoSnapshotImporter.Parse(Encoding.UTF8.GetBytes("{\"meta\": {\n  \"targetDate\": 2026"), "x.json"));
        Assert.Contains("not valid JSON", ex.Problem, StringComparison.Ordinal);
        Assert.True(ex.Line >= 1);
    }

    [Fact]
    public void Import_OtherJson_SaysWhatIsMissing()
    {
        var ex = Assert.Throws<InputFormatException>(() => OcctoSnapshotImporter.Parse(Encoding.UTF8.GetBytes("{\"meta\": {\"targetDate\": \"2026/05/03\"}}"), "x.json"));
        Assert.Contains("flows.intertieSeries", ex.Problem, StringComparison.Ordinal);
    }
}
