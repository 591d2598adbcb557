namespace WattBit.Testing;

/// <summary>Small MATPOWER cases written by hand in a test (the grid tests and the roadmap's line reinforcements share it).</summary>
internal static class MatpowerText
{
    /// <summary>A small case text with the given bus, gen and branch rows (MATPOWER version 2 syntax, 100 MVA base).</summary>
    public static string Of(string bus, string gen, string branch) => $"""
        function mpc = tiny
        mpc.version = '2';
        mpc.baseMVA = 100;
        mpc.bus = [
        {bus}
        ];
        mpc.gen = [
        {gen}
        ];
        mpc.branch = [
        {branch}
        ];
        """;
}
