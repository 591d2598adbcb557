namespace WattBit.Grid.Headroom;

/// <summary>How extra load at a bus is balanced (formats.md §3, <c>--balance</c>).</summary>
public enum Balancing
{
    /// <summary>By the generators with base output Pg &gt; 0 in the bus's island, in proportion to Pg (default).</summary>
    Distributed,

    /// <summary>Entirely by the reference bus of the bus's island.</summary>
    Reference,
}

/// <summary>Which security criterion to compute (<c>--contingency</c>).</summary>
public enum ContingencyCriterion
{
    /// <summary>All equipment in service.</summary>
    N0,

    /// <summary>N-0 plus every single-branch outage that does not split an island.</summary>
    N1,
}

/// <summary>Options of the headroom engine.</summary>
/// <param name="Balance">Balancing of the extra load; default distributed.</param>
/// <param name="Criterion">N-0 only, or N-0 and N-1; default N-1.</param>
/// <param name="CapMw">Headroom cap, MW; default 10,000. A capped value is reported as the cap with no limiting branch.</param>
/// <param name="Epsilon">Sensitivities with |β| ≤ ε (MW/MW) do not limit; default 1e-6.</param>
public sealed record HeadroomOptions(
    Balancing Balance = Balancing.Distributed,
    ContingencyCriterion Criterion = ContingencyCriterion.N1,
    double CapMw = 10_000,
    double Epsilon = 1e-6)
{
    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive cap or a negative epsilon.</exception>
    public HeadroomOptions Validate()
    {
        if (!(CapMw > 0) || !double.IsFinite(CapMw))
        {
            throw new ArgumentOutOfRangeException(nameof(CapMw), CapMw, "the headroom cap must be a positive number of MW.");
        }

        if (!(Epsilon >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "epsilon must be non-negative.");
        }

        return this;
    }
}

/// <summary>
/// Headroom of one bus over every step of a series. Arrays are indexed by step. Branch and contingency indexes are
/// 0-based here (the CSV writes them 1-based); -1 means none (capped, or limited by the base case for N-1).
/// Missing values (a bus in a dead island) are NaN.
/// </summary>
public sealed class BusHeadroom
{
    /// <summary>Allocates arrays for <paramref name="steps"/> steps.</summary>
    public BusHeadroom(int steps)
    {
        N0Mw = new double[steps];
        N0Branch = new int[steps];
        N1Mw = new double[steps];
        N1Branch = new int[steps];
        N1Contingency = new int[steps];
    }

    /// <summary>0-based bus index.</summary>
    public int Bus { get; internal set; }

    /// <summary>Copies every value into <paramref name="destination"/> (same number of steps), e.g. to keep a result the runner reuses.</summary>
    /// <exception cref="ArgumentException">A different number of steps.</exception>
    public void CopyTo(BusHeadroom destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.N0Mw.Length != N0Mw.Length)
        {
            throw new ArgumentException($"expected {N0Mw.Length} steps, got {destination.N0Mw.Length}.", nameof(destination));
        }

        destination.Bus = Bus;
        N0Mw.CopyTo(destination.N0Mw, 0);
        N0Branch.CopyTo(destination.N0Branch, 0);
        N1Mw.CopyTo(destination.N1Mw, 0);
        N1Branch.CopyTo(destination.N1Branch, 0);
        N1Contingency.CopyTo(destination.N1Contingency, 0);
        destination.N0Candidates = N0Candidates;
        destination.N1Candidates = N1Candidates;
    }

    /// <summary>N-0 headroom per step, MW.</summary>
    public double[] N0Mw { get; }

    /// <summary>Limiting branch of the N-0 headroom per step (0-based), or -1.</summary>
    public int[] N0Branch { get; }

    /// <summary>N-1 headroom per step, MW (NaN when only N-0 was computed).</summary>
    public double[] N1Mw { get; }

    /// <summary>Limiting branch of the N-1 headroom per step (0-based), or -1.</summary>
    public int[] N1Branch { get; }

    /// <summary>Limiting contingency (0-based branch) per step, or -1 when the base case limits.</summary>
    public int[] N1Contingency { get; }

    /// <summary>Branch limits kept by pruning for N-0 (evaluated at every step).</summary>
    public int N0Candidates { get; internal set; }

    /// <summary>(contingency, branch) limits kept by pruning for N-1.</summary>
    public int N1Candidates { get; internal set; }
}
