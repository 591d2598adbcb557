using WattBit.Areas;

namespace WattBit.Core.Tests;

public sealed class JapanAreasTests
{
    [Fact]
    public void Areas_AreTenWithEastAt50HzAndWestAt60Hz()
    {
        Assert.Equal(10, JapanAreas.All.Count);
        Assert.Equal(["HKD", "TH", "TK"], JapanAreas.All.Where(a => a.FrequencyHz == 50).Select(a => a.Code));
        Assert.Equal(Enumerable.Range(1, 10), JapanAreas.All.Select(a => a.Number));
    }

    [Theory]
    [InlineData("TK")]
    [InlineData("tk")]
    [InlineData("JP-TK")]
    [InlineData("Tokyo")]
    [InlineData("東京")]
    [InlineData("東京エリア")]
    [InlineData("03")]
    public void TryFind_AcceptsCodesNamesAndNumbers(string key)
    {
        Assert.True(JapanAreas.TryFind(key, out var area));
        Assert.Same(JapanAreas.Tokyo, area);
    }

    [Fact]
    public void Get_UnknownArea_ListsTheKnownCodes()
    {
        var ex = Assert.Throws<ArgumentException>(() => JapanAreas.Get("XX"));
        Assert.Contains("HKD, TH, TK, CB, HR, KN, CG, SK, KY, ON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Area_PrintsJapaneseName()
    {
        Assert.Equal("KY Kyushu (九州)", JapanAreas.Kyushu.ToString());
    }
}
