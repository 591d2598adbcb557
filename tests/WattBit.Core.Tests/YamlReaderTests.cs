using WattBit.Formats;
using YamlDotNet.RepresentationModel;

namespace WattBit.Core.Tests;

public sealed class YamlReaderTests
{
    private static YamlMappingNode Root(string text) => (YamlMappingNode)YamlReader.Load(text, "s.yaml", "the scenario");

    [Fact]
    public void Load_MalformedText_NamesFileLineAndColumn()
    {
        var ex = Assert.Throws<InputFormatException>(() => YamlReader.Load("name: x\n  bad: [\n", "s.yaml", "the scenario"));
        Assert.StartsWith("s.yaml:2:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyText_SaysWhatIsEmpty()
    {
        var ex = Assert.Throws<InputFormatException>(() => YamlReader.Load("", "s.yaml", "the scenario"));
        Assert.Contains("the scenario is empty.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_UnknownKey_IsAnErrorAtTheKey()
    {
        var r = new YamlReader("s.yaml");
        var ex = Assert.Throws<InputFormatException>(() => r.Mapping(YamlReader.Load("a: 1\ncolour: red\n", "s.yaml", "x"), "a site", "a", "b"));
        Assert.Equal("s.yaml:2:1: unknown key 'colour' in a site (known: a, b).", ex.Message);
    }

    [Fact]
    public void Number_OutOfBoundsOrNotANumber_IsAnErrorAtTheValue()
    {
        var r = new YamlReader("s.yaml");
        var map = Root("pue: 0.9\nmw: ten\n");
        Assert.Equal("s.yaml:1:6: 'pue' must be between 1 and 3 (got 0.9).",
            Assert.Throws<InputFormatException>(() => r.Number(map, "pue", 1.2, 1, 3)).Message);
        Assert.Equal("s.yaml:2:5: 'mw' must be a number (got 'ten').", Assert.Throws<InputFormatException>(() => r.Number(map, "mw", 0)).Message);
        Assert.Equal(7.5, r.Number(map, "absent", 7.5));
    }

    [Fact]
    public void Map_Series_RepeatsTwentyFourValuesDailyAndSpreadsOneNumber()
    {
        var day = string.Join(", ", Enumerable.Range(0, 24));
        var map = new YamlMap("s.yaml", YamlReader.Load($"daily: [{day}]\nflat: 3\n", "s.yaml", "x"), "signals", "daily", "flat");
        var daily = map.Series("daily", 48);
        Assert.Equal(48, daily.Length);
        Assert.Equal(5, daily[29]);
        Assert.Equal([3.0, 3.0, 3.0], map.Series("flat", 3));
        Assert.Equal("s.yaml:1:1: missing required key 'other'.", Assert.Throws<InputFormatException>(() => map.Series("other", 3)).Message);
    }
}
