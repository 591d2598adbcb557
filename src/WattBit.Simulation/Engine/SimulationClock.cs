namespace WattBit.Simulation.Engine;

/// <summary>
/// The simulated clock: a <see cref="TimeProvider"/> whose "now" is the start of the step being simulated. The engine
/// advances it; policies and dispatchers read it as they would read the wall clock in operation. Not thread-safe
/// (one per simulated policy).
/// </summary>
/// <param name="start">The first instant.</param>
public sealed class SimulationClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _now.ToUniversalTime();

    /// <summary>Moves the clock to <paramref name="instant"/>.</summary>
    /// <param name="instant">The new time; must not be earlier than the current one.</param>
    /// <exception cref="ArgumentOutOfRangeException">The instant is in the past.</exception>
    public void AdvanceTo(DateTimeOffset instant)
    {
        if (instant < _now)
        {
            throw new ArgumentOutOfRangeException(nameof(instant), instant, "The simulated clock only moves forward.");
        }

        _now = instant;
    }
}
