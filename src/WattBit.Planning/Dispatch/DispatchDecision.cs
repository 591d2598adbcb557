using WattBit.Dispatch;
using WattBit.Units;

namespace WattBit.Planning.Dispatch;

/// <summary>The dispatcher's answer to an event.</summary>
/// <param name="Event">The event.</param>
/// <param name="Actions">Actions, in the order taken.</param>
/// <param name="Required">Grid reduction required at the affected site (zero for surges and growth of headroom).</param>
/// <param name="Achieved">Grid reduction the actions give.</param>
/// <param name="Deadline">When the reduction must be in place.</param>
/// <param name="Met">Whether the requirement is met by the deadline.</param>
/// <param name="UsedFallback">Whether the always-feasible fallback made the decision.</param>
/// <param name="Refused">Plans the dispatcher refused and why (for example a move that could not finish within the notice).</param>
/// <param name="After">Fleet state after the actions.</param>
/// <param name="UnservedRequestsPerSecond">Inference demand left unserved (surges).</param>
public sealed record DispatchDecision(DispatchEvent Event, IReadOnlyList<DispatchAction> Actions, Power Required, Power Achieved,
    DateTimeOffset Deadline, bool Met, bool UsedFallback, IReadOnlyList<string> Refused, FleetState After, double UnservedRequestsPerSecond = 0);

/// <summary>Proposes actions for an event; the dispatcher checks them and falls back when they fail.</summary>
public interface IDispatchStrategy
{
    /// <summary>Name of the strategy.</summary>
    string Name { get; }

    /// <summary>Proposes actions for <paramref name="dispatchEvent"/> on <paramref name="state"/>.</summary>
    /// <exception cref="OperationCanceledException">The time budget ran out.</exception>
    IReadOnlyList<DispatchAction> Propose(DispatchEvent dispatchEvent, FleetState state, CancellationToken cancellationToken);
}
