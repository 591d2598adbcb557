using WattBit.Formats;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Flexibility;

/// <summary>
/// A demand-response commitment per 30-minute slot (decision 0200): the change of grid draw a site commits to in each
/// slot of a request's window, the slots of the ERAB baseline that settles it. A flat commitment is the profile with
/// one value in every slot. Immutable.
/// </summary>
public sealed record CommitmentProfile
{
    /// <summary>Makes a profile.</summary>
    /// <param name="window">The request's window, on 30-minute boundaries.</param>
    /// <param name="slots">The change committed in each 30-minute slot of the window, in order (each ≥ 0).</param>
    /// <exception cref="ArgumentException">The window is empty or off the 30-minute grid, the count of slots is not the window's,
    /// or a slot is negative (the message names the slot).</exception>
    public CommitmentProfile(TimeWindow window, IReadOnlyList<Power> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var count = SlotCount(window);
        if (slots.Count != count)
        {
            throw new ArgumentException($"the window {window} has {count} 30-minute slots; the profile gives {slots.Count}.", nameof(slots));
        }

        for (var i = 0; i < count; i++)
        {
            if (slots[i] < Power.Zero)
            {
                throw new ArgumentException($"slot {i} ({window.Start + (i * Slot):O}) commits {slots[i]}: a commitment is not negative.", nameof(slots));
            }
        }

        Window = window;
        Slots = [.. slots];
    }

    /// <summary>The slot length: 30 minutes (the meter's and the baseline's).</summary>
    public static TimeSpan Slot => MeterCsv.Slot;

    /// <summary>The request's window.</summary>
    public TimeWindow Window { get; }

    /// <summary>The change committed per 30-minute slot of <see cref="Window"/>, in order.</summary>
    public IReadOnlyList<Power> Slots { get; }

    /// <summary>The largest change committed in any slot.</summary>
    public Power Peak => Slots.Count == 0 ? Power.Zero : Slots.Max();

    /// <summary>The energy committed over the window (Σ slot × 30 min).</summary>
    public Energy Energy
    {
        get
        {
            var total = Energy.Zero;
            foreach (var p in Slots)
            {
                total += p * Slot;
            }

            return total;
        }
    }

    /// <summary>The same change in every slot of <paramref name="window"/>.</summary>
    /// <exception cref="ArgumentException">As the constructor.</exception>
    public static CommitmentProfile Flat(TimeWindow window, Power power) => new(window, [.. Enumerable.Repeat(power, SlotCount(window))]);

    /// <summary>The number of 30-minute slots in <paramref name="window"/>.</summary>
    /// <exception cref="ArgumentException">The window is empty or off the 30-minute grid.</exception>
    public static int SlotCount(TimeWindow window)
    {
        if (window.IsEmpty || window.Start.UtcTicks % Slot.Ticks != 0 || window.End.UtcTicks % Slot.Ticks != 0)
        {
            throw new ArgumentException($"the window {window} must be non-empty and start and end on 30-minute slot boundaries.", nameof(window));
        }

        return (int)(window.Duration.Ticks / Slot.Ticks);
    }

    /// <summary>The start of slot <paramref name="index"/>.</summary>
    public DateTimeOffset SlotStart(int index) => Window.Start + (index * Slot);
}

/// <summary>One slot of a commitment settled against the ERAB baseline (kWh).</summary>
/// <param name="Start">The slot's start.</param>
/// <param name="Baseline">The baseline energy of the slot.</param>
/// <param name="Actual">The metered energy.</param>
/// <param name="Delivered">The change in the request's direction: baseline − actual (down) or actual − baseline (up); may be negative.</param>
/// <param name="Committed">The slot's commitment × 30 min.</param>
/// <param name="Credited">The delivered energy counted: between 0 and the slot's commitment.</param>
public sealed record SlotCredit(DateTimeOffset Start, Energy Baseline, Energy Actual, Energy Delivered, Energy Committed, Energy Credited)
{
    /// <summary>Committed minus credited (never negative, never more than committed).</summary>
    public Energy Shortfall => Committed - Credited;
}

/// <summary>A commitment profile settled slot by slot: what each slot delivered and what is credited. Immutable.</summary>
/// <param name="Profile">The commitment.</param>
/// <param name="Slots">One entry per slot of the profile's window.</param>
public sealed record ProfileCredit(CommitmentProfile Profile, IReadOnlyList<SlotCredit> Slots)
{
    /// <summary>The energy committed.</summary>
    public Energy Committed => Profile.Energy;

    /// <summary>Σ delivered over the slots (the over-delivery of one slot included, the wrong way negative).</summary>
    public Energy Delivered => Sum(s => s.Delivered);

    /// <summary>Σ credited over the slots.</summary>
    public Energy Credited => Sum(s => s.Credited);

    /// <summary>Committed minus credited.</summary>
    public Energy Shortfall => Committed - Credited;

    private Energy Sum(Func<SlotCredit, Energy> pick) => Energy.Sum(Slots.Select(pick));
}

/// <summary>
/// Settles a commitment per slot against the ERAB baseline (decisions 0143 and 0200): a slot's credit is what it
/// delivered in the request's direction, within [0, that slot's commitment]; over-delivery in one slot does not make
/// up for another. Stateless and thread-safe.
/// </summary>
public static class DrCredit
{
    /// <summary>Settles <paramref name="profile"/> on a computed baseline of the same window.</summary>
    /// <exception cref="ArgumentException">The baseline is not computable, or is for another window than the profile.</exception>
    public static ProfileCredit Settle(BaselineResult baseline, FlexDirection direction, CommitmentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(profile);
        if (!baseline.IsComputable)
        {
            throw new ArgumentException("the baseline is not computable: " + baseline.Reason, nameof(baseline));
        }

        if (baseline.Event != profile.Window || baseline.Slots.Count != profile.Slots.Count)
        {
            throw new ArgumentException($"the baseline is for {baseline.Event}, the commitment for {profile.Window}.", nameof(profile));
        }

        var sign = direction == FlexDirection.Down ? 1.0 : -1.0;
        var slots = new SlotCredit[profile.Slots.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            var s = baseline.Slots[i];
            var delivered = Energy.FromKilowattHours(sign * s.Delivered.KilowattHours);
            var committed = profile.Slots[i] * CommitmentProfile.Slot;
            var credited = Energy.FromKilowattHours(Math.Clamp(delivered.KilowattHours, 0, committed.KilowattHours));
            slots[i] = new SlotCredit(s.Start, s.Baseline, s.Actual, delivered, committed, credited);
        }

        return new ProfileCredit(profile, slots);
    }
}
