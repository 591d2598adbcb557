using WattBit.Grid.Japan;

namespace WattBit.Grid.Tests.Japan;

public sealed class JapanStationNamesTests
{
    [Theory]
    [InlineData("東岡山（変）", "東岡山")]
    [InlineData("北九州ss", "北九州")]
    [InlineData("南早来SS", "南早来")]
    [InlineData("岩清水SWS", "岩清水")]
    [InlineData("北斗CS", "北斗")]
    [InlineData("東近江変電所", "東近江")]
    [InlineData("宝塚開閉所", "宝塚")]
    [InlineData("紀北変換所", "紀北")]
    [InlineData("敦賀火力発電所", "敦賀火力")]
    [InlineData("中部電力湖西変電所", "湖西")]
    [InlineData("東京電力 岡田変電所", "岡田")]
    [InlineData("中部電力(株)豊根開閉所", "豊根")]
    [InlineData("西\u3000谷", "西谷")]
    public void Normalize_RemovesOrthographyVariants(string raw, string canonical) =>
        Assert.Equal(canonical, JapanStationNames.Normalize(raw));

    [Fact]
    public void Normalize_FullAndHalfWidthAgree() =>
        Assert.Equal(JapanStationNames.Normalize("ＳＳ新佐賀１"), JapanStationNames.Normalize("SS新佐賀1"));

    [Theory]
    [InlineData("４２T（北神線）", "#42T")]
    [InlineData("４２T", "#42T")]
    [InlineData("571T(西南多摩線)", "#571T")]
    [InlineData("１０９T（泉南東大阪線）", "#109T")]
    public void ParseEnd_TowerJunctionsShareOneKey(string raw, string key)
    {
        var end = JapanStationNames.ParseEnd(raw, "任意線");
        Assert.Equal(StationRefKind.Junction, end.Kind);
        Assert.Equal(key, end.Key);
    }

    [Theory]
    [InlineData("571T(西南多摩線)", "西南多摩線")]
    [InlineData("１７T（北大阪線）", "北大阪線")]
    [InlineData("山口幹線", "山口幹線")]
    public void ParseEnd_ATeeNamesTheLineItSitsOn(string raw, string host) =>
        Assert.Equal(host, JapanStationNames.ParseEnd(raw, "任意線").Host);

    [Theory]
    [InlineData("４２T")]
    [InlineData("分岐点")]
    [InlineData("北大阪変電所")]
    public void ParseEnd_AnEndWithoutAHostLineHasNone(string raw) =>
        Assert.Null(JapanStationNames.ParseEnd(raw, "任意線").Host);

    [Fact]
    public void ParseEnd_BranchPointIsUniquePerLine()
    {
        var a = JapanStationNames.ParseEnd("分岐点", "甲線");
        var b = JapanStationNames.ParseEnd("分岐点", "乙線");
        Assert.NotEqual(a.Key, b.Key);
    }

    [Fact]
    public void ParseEnd_BracketNameIsAnAlias()
    {
        var end = JapanStationNames.ParseEnd("北大阪変電所（西大阪変電所）", "北大阪線");
        Assert.Equal("北大阪", end.Key);
        Assert.Equal(["西大阪"], end.Aliases);
    }

    [Fact]
    public void ParseEnd_ListOfStationsTakesTheFirst()
    {
        var end = JapanStationNames.ParseEnd("小曽根変電所・下穂積変電所・北豊中変電所", "某線");
        Assert.Equal("小曽根", end.Key);
        Assert.Equal(["下穂積", "北豊中"], end.Aliases);
    }

    [Fact]
    public void ParseEnd_LineNameIsATee() =>
        Assert.Equal(StationRefKind.LineTee, JapanStationNames.ParseEnd("山陰幹線", "某線").Kind);

    [Fact]
    public void Variants_TryNewPrefixAndPlantKind()
    {
        Assert.Contains("佐倉", JapanStationNames.Variants("新佐倉"));
        Assert.Contains("新信濃", JapanStationNames.Variants("信濃"));
        Assert.Contains("碧南火力", JapanStationNames.Variants("碧南"));
    }

    [Fact]
    public void TrySplitDirection_SplitsOnTheArrow()
    {
        Assert.True(JapanStationNames.TrySplitDirection("新古河 → 新所沢", out var a, out var b));
        Assert.Equal(("新古河", "新所沢"), (a, b));
        Assert.False(JapanStationNames.TrySplitDirection("新古河", out _, out _));
    }
}
