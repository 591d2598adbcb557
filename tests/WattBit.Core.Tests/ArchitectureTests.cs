using System.Xml.Linq;
using WattBit.Testing;

namespace WattBit.Core.Tests;

/// <summary>
/// The dependency picture of docs/architecture.md, checked against the project references of every project under
/// src/: Core depends on nothing; engines depend on Core only (the simulator may also use the planner); storage, the
/// cluster runtime and the hosts are at the edge and nothing inside depends on them.
/// </summary>
public sealed class ArchitectureTests
{
    private enum Ring
    {
        Core,
        Engine,
        Edge,
        Host,
    }

    /// <summary>Every project's place in the picture. A new project is added here and to docs/architecture.md.</summary>
    private static readonly Dictionary<string, Ring> s_rings = new(StringComparer.Ordinal)
    {
        ["WattBit.Core"] = Ring.Core,
        ["WattBit.Grid"] = Ring.Engine,
        ["WattBit.Data"] = Ring.Engine,
        ["WattBit.Forecasting"] = Ring.Engine,
        ["WattBit.Planning"] = Ring.Engine,
        ["WattBit.Siting"] = Ring.Engine,
        ["WattBit.Simulation"] = Ring.Engine,
        ["WattBit.Execution"] = Ring.Engine,
        ["WattBit.Storage"] = Ring.Edge,
        ["WattBit.Cluster.Abstractions"] = Ring.Edge,
        ["WattBit.Cluster"] = Ring.Edge,
        ["WattBit.Composition"] = Ring.Edge,
        ["WattBit.Cluster.Silo"] = Ring.Host,
        ["WattBit.Server"] = Ring.Host,
        ["WattBit.Cli"] = Ring.Host,
    };

    /// <summary>The engine-to-engine references the picture allows: the simulator composes the planner into policies.</summary>
    private static readonly HashSet<(string From, string To)> s_allowedEngineEdges =
    [
        ("WattBit.Simulation", "WattBit.Planning"),
    ];

    /// <summary>
    /// Engine-to-engine references that break the picture and are being replaced by contracts in Core (issue 14).
    /// This list only shrinks: a test below fails when an entry is no longer needed, so it is removed with the reference.
    /// </summary>
    private static readonly HashSet<(string From, string To)> s_knownBreaks =
    [
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<string>>> s_graph = new(ReadGraph);

    [Fact]
    public void EveryProject_HasAPlaceInThePicture()
    {
        var unplaced = s_graph.Value.Keys.Where(p => !s_rings.ContainsKey(p)).ToList();
        Assert.True(unplaced.Count == 0,
            $"Projects with no place in the dependency picture: {string.Join(", ", unplaced)}. " +
            "Add each to ArchitectureTests.s_rings and to docs/architecture.md.");
    }

    [Fact]
    public void Core_DependsOnNoOtherProject()
    {
        Assert.Empty(s_graph.Value["WattBit.Core"]);
    }

    [Fact]
    public void Engines_DependOnCoreOnly_ExceptTheSimulatorOnThePlanner()
    {
        var breaks = EngineEdges().Where(e => !s_allowedEngineEdges.Contains(e) && !s_knownBreaks.Contains(e)).ToList();
        Assert.True(breaks.Count == 0,
            "Engines may depend on WattBit.Core only (the simulator may also use the planner); what two engines share " +
            "is a contract in Core. References breaking this: " + string.Join(", ", breaks.Select(e => $"{e.From} -> {e.To}")));
    }

    [Fact]
    public void KnownBreaks_AreStillPresent_SoTheListOnlyShrinks()
    {
        var edges = EngineEdges().ToHashSet();
        var gone = s_knownBreaks.Where(e => !edges.Contains(e)).ToList();
        Assert.True(gone.Count == 0,
            "These references are gone; remove them from ArchitectureTests.s_knownBreaks and docs/architecture.md: " +
            string.Join(", ", gone.Select(e => $"{e.From} -> {e.To}")));
    }

    [Fact]
    public void NothingInside_DependsOnTheEdgeOrAHost()
    {
        var inward = s_graph.Value
            .Where(p => s_rings.TryGetValue(p.Key, out var ring) && ring is Ring.Core or Ring.Engine)
            .SelectMany(p => p.Value.Where(to => s_rings.TryGetValue(to, out var r) && r is Ring.Edge or Ring.Host).Select(to => $"{p.Key} -> {to}"))
            .ToList();
        Assert.True(inward.Count == 0, "Core and engines must not depend on storage, the cluster or a host: " + string.Join(", ", inward));
    }

    [Fact]
    public void TheEdge_DependsOnNoHost()
    {
        // Storage and the cluster serve the hosts; a grain or a store that referenced the server or the CLI would pull a
        // host into every process that loads it.
        var outward = s_graph.Value
            .Where(p => s_rings.TryGetValue(p.Key, out var ring) && ring == Ring.Edge)
            .SelectMany(p => p.Value.Where(to => s_rings.TryGetValue(to, out var r) && r == Ring.Host).Select(to => $"{p.Key} -> {to}"))
            .ToList();
        Assert.True(outward.Count == 0, "Storage and the cluster must not depend on a host: " + string.Join(", ", outward));
    }

    [Fact]
    public void NoHost_DependsOnAnotherHost()
    {
        var hostEdges = s_graph.Value
            .Where(p => s_rings.TryGetValue(p.Key, out var ring) && ring == Ring.Host)
            .SelectMany(p => p.Value.Where(to => s_rings.TryGetValue(to, out var r) && r == Ring.Host).Select(to => $"{p.Key} -> {to}"))
            .ToList();
        Assert.True(hostEdges.Count == 0, "Hosts (server, CLI, silo) must not depend on each other: " + string.Join(", ", hostEdges));
    }

    [Fact]
    public void TheCheck_SeesAKnownReference()
    {
        // Guards the reader itself: if it found no references at all, every rule above would pass vacuously.
        Assert.Contains("WattBit.Core", s_graph.Value["WattBit.Planning"]);
        Assert.Contains("WattBit.Planning", s_graph.Value["WattBit.Simulation"]);
    }

    private static IEnumerable<(string From, string To)> EngineEdges() =>
        s_graph.Value
            .Where(p => s_rings.TryGetValue(p.Key, out var ring) && ring == Ring.Engine)
            .SelectMany(p => p.Value
                .Where(to => s_rings.TryGetValue(to, out var r) && r == Ring.Engine)
                .Select(to => (p.Key, to)));

    private static Dictionary<string, IReadOnlyList<string>> ReadGraph()
    {
        var src = Path.Combine(SharedData.RepoRoot, "src");
        var graph = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var csproj in Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories))
        {
            var references = XDocument.Load(csproj).Descendants()
                .Where(e => e.Name.LocalName == "ProjectReference")
                .Select(e => (string?)e.Attribute("Include") ?? throw new InvalidDataException($"{csproj}: a ProjectReference without Include."))
                .Select(include => Path.GetFileNameWithoutExtension(include.Replace('\\', '/')))
                .ToList();
            graph[Path.GetFileNameWithoutExtension(csproj)] = references;
        }

        return graph;
    }
}
