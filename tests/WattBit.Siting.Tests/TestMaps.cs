using WattBit.Siting.Geo;
using WattBit.Testing;

namespace WattBit.Siting.Tests;

/// <summary>The real prefecture and area boundaries from ../shared/data, loaded once for all tests.</summary>
internal static class TestMaps
{
    private static readonly Lazy<JapanLocator> s_locator = new(() =>
        JapanLocator.Load(SharedData.Path("japan", "geo", "japan.topojson"), SharedData.Path("japan", "geo", "areas.geojson")));

    public static JapanLocator Locator => s_locator.Value;
}
