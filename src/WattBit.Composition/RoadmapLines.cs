using System.Text.RegularExpressions;
using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Simulation.Roadmap;

namespace WattBit.Composition;

/// <summary>
/// A roadmap's line reinforcements (uprates and new lines, decision 0226) as changes of a grid model: the grid engine's own what-if
/// records (<see cref="BranchUprate"/>, <see cref="NewLine"/>), applied to the year's network before its headroom is computed, so N-0
/// and every post-outage flow see them exactly (a full computation on the changed network, which the what-if's rank-one answers
/// equal). Stateless.
/// </summary>
public static partial class RoadmapLines
{
    /// <summary>The line reinforcements in service in <paramref name="year"/>, in file order, as changes of <paramref name="network"/>
    /// (one uprate per circuit when a line is named without its circuit).</summary>
    /// <param name="roadmap">The roadmap.</param>
    /// <param name="year">The year (<see cref="int.MaxValue"/>: every one, to check a file).</param>
    /// <param name="network">The year's network before the changes.</param>
    /// <param name="lineName">The name the layer shows for a branch (0-based), for example <c>山家線 2L</c>.</param>
    /// <param name="busOf">The 0-based bus of a substation id, or null when the model has none.</param>
    /// <param name="reactance">The series reactance, p.u., of a circuit of a voltage class (kV) and length (km) in this model; null: a new
    /// line must give x.</param>
    /// <param name="source">The file's name, for errors.</param>
    /// <exception cref="ArgumentException">A line the model does not have (or names twice), a substation it does not have, a new line
    /// without a reactance, or an uprate that leaves no positive rating; the message names the file and line.</exception>
    public static IReadOnlyList<(NetworkChange Change, RoadmapReinforcement Row)> Changes(RoadmapScenario roadmap, int year, PowerNetwork network,
        Func<int, string> lineName, Func<string, int?> busOf, Func<double, double, double>? reactance, string source)
    {
        ArgumentNullException.ThrowIfNull(roadmap);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(lineName);
        ArgumentNullException.ThrowIfNull(busOf);
        var changes = new List<(NetworkChange, RoadmapReinforcement)>();
        var current = network;
        foreach (var r in roadmap.Reinforcements.Where(r => r.IsLine && r.FromYear <= year))
        {
            string Where() => FormattableString.Invariant($"{source}:{r.Line}: reinforcement");
            if (r.Kind == RoadmapReinforcementKind.Uprate)
            {
                foreach (var b in Branches(r, current, lineName, Where()))
                {
                    var mw = r.ToRating ? r.Mw - current.Branches[b].RateA : r.Mw;
                    if (!(current.Branches[b].RateA + mw > 0) || !(current.Branches[b].EmergencyRating + mw > 0))
                    {
                        throw new ArgumentException(FormattableString.Invariant($"{Where()}: uprating {lineName(b)} by {mw:0.#} MW leaves no positive rating."), nameof(roadmap));
                    }

                    var change = new BranchUprate(b, mw);
                    current = change.Apply(current);
                    changes.Add((change, r));
                }

                continue;
            }

            int Bus(string id) => busOf(id) ?? throw new ArgumentException($"{Where()}: new line: '{id}' is not a substation of the grid model.", nameof(roadmap));
            var from = Bus(r.FromSubstation!);
            var to = Bus(r.ToSubstation!);
            var x = !double.IsNaN(r.X) ? r.X
                : reactance?.Invoke(r.VoltageKv, r.LengthKm) ?? throw new ArgumentException($"{Where()}: new line: this model needs its reactance x (p.u.).", nameof(roadmap));
            var line = new NewLine(from, to, x, r.Mw);
            current = line.Apply(current);
            changes.Add((line, r));
        }

        return changes;
    }

    /// <summary>The network with the changes applied in order.</summary>
    /// <param name="network">The network.</param>
    /// <param name="changes">The changes (a new line is appended as the last branch).</param>
    public static PowerNetwork Apply(PowerNetwork network, IEnumerable<NetworkChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return changes.Aggregate(network, (net, c) => c.Apply(net));
    }

    // The circuits an uprate names: the branch shown by that name, else every circuit ("NAME 1L", "NAME 2L", ...) of the line.
    private static IReadOnlyList<int> Branches(RoadmapReinforcement row, PowerNetwork network, Func<int, string> lineName, string where)
    {
        var name = row.LineName!;
        var exact = Enumerable.Range(0, network.Branches.Length).Where(b => lineName(b) == name).ToArray();
        var circuits = exact.Length > 0 ? exact
            : [.. Enumerable.Range(0, network.Branches.Length).Where(b => lineName(b) is { } n && n.StartsWith(name + " ", StringComparison.Ordinal) && Circuit().IsMatch(n[(name.Length + 1)..]))];
        if (circuits.Length == 0)
        {
            throw new ArgumentException($"{where}: uprate: no line '{name}' in the grid model (name it as the run-out table does, for example '山家線 2L').", nameof(row));
        }

        if (exact.Length > 1)
        {
            throw new ArgumentException(FormattableString.Invariant($"{where}: uprate: {exact.Length} branches of the grid model are named '{name}'."), nameof(row));
        }

        return circuits;
    }

    [GeneratedRegex("^[0-9]+L$")]
    private static partial Regex Circuit();
}
