using WattBit.Units;

namespace WattBit.Headroom;

/// <summary>
/// The grid's answer to "does a battery at one node relieve a data centre at another?" (issue 19, decision 0146): the
/// data centre's secure headroom without and with the battery discharging, decided by the network's sensitivities
/// (PTDF, and LODF for N-1), never by distance. Implemented by the grid engine on a network model and composed by the
/// host; engines (planning, simulation) read only this contract. Implementations are thread-safe.
/// </summary>
public interface IBatteryRelief
{
    /// <summary>What the answers are computed on (the model and the criterion), for reports.</summary>
    string Description { get; }

    /// <summary>
    /// The headroom at <paramref name="dcNode"/> over the model's period (its lowest step) without and with a battery at
    /// <paramref name="batteryNode"/> discharging <paramref name="batteryPower"/>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A node is not in the model.</exception>
    BatteryRelief Assess(string dcNode, string batteryNode, Power batteryPower);
}

/// <summary>The answer of <see cref="IBatteryRelief.Assess"/>. Immutable.</summary>
/// <param name="DcNode">The data centre's node.</param>
/// <param name="BatteryNode">The battery's node.</param>
/// <param name="BatteryPower">The battery's discharge.</param>
/// <param name="Without">The data centre's headroom without the battery (lowest over the period).</param>
/// <param name="With">The headroom with the battery discharging (lowest over the period).</param>
/// <param name="LimitingBranch">The branch that limits the data centre without the battery (at the lowest step), or null.</param>
/// <param name="LimitingBranchWith">The branch that limits it with the battery, or null.</param>
/// <param name="DcSensitivity">The flow change on <paramref name="LimitingBranch"/> per MW of extra load at the data centre (MW/MW).</param>
/// <param name="BatterySensitivity">The flow change on the same branch per MW the battery injects (MW/MW); relief needs the opposite sign.</param>
public sealed record BatteryRelief(string DcNode, string BatteryNode, Power BatteryPower, Power Without, Power With, string? LimitingBranch, string? LimitingBranchWith,
    double DcSensitivity, double BatterySensitivity)
{
    /// <summary>The extra headroom the battery gives the data centre (negative when it makes things worse).</summary>
    public Power Relief => With - Without;

    /// <summary>Relief per MW of battery discharge.</summary>
    public double ReliefPerMw => BatteryPower.Megawatts > 0 ? Relief.Megawatts / BatteryPower.Megawatts : 0;

    /// <summary>Whether the battery relieves the data centre at all (more than 1 kW).</summary>
    public bool Relieves => Relief.Megawatts > 1e-3;
}
