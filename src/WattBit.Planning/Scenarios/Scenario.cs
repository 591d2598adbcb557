using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;

namespace WattBit.Planning.Scenarios;

/// <summary>A planning problem read from a scenario file, with the dispatch events to replay against its plan.</summary>
/// <param name="Source">The file it came from.</param>
/// <param name="Problem">The planning problem.</param>
/// <param name="Events">Events in the order given.</param>
public sealed record Scenario(string Source, PlanningProblem Problem, IReadOnlyList<DispatchEvent> Events);
