using WattBit.Grid.Network;
using WattBit.Testing;

namespace WattBit.Grid.Tests;

/// <summary>Loads shared cases once per test run.</summary>
internal static class TestCases
{
    private static readonly Dictionary<string, PowerNetwork> s_cache = [];
    private static readonly Lock s_lock = new();

    public static PowerNetwork Matpower(string file) => Load("grid", "matpower", file);

    public static PowerNetwork Pglib(string file) => Load("grid", "pglib", file);

    public static PowerNetwork Reference(string file) => Load("grid", "reference", file);

    private static PowerNetwork Load(params string[] parts)
    {
        var path = SharedData.Path(parts);
        lock (s_lock)
        {
            if (!s_cache.TryGetValue(path, out var net))
            {
                net = MatpowerCase.Load(path);
                s_cache[path] = net;
            }

            return net;
        }
    }

    /// <summary>A small case text with the given bus, gen and branch rows (MATPOWER version 2 syntax).</summary>
    public static string Text(string bus, string gen, string branch) => WattBit.Testing.MatpowerText.Of(bus, gen, branch);
}
