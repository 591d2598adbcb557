using WattBit.Formats;

namespace WattBit.Planning.Model;

/// <summary>
/// Weights of the planning objective. Energy cost is priced from the price signal; emissions at
/// <see cref="CarbonPriceYenPerTonne"/>; work not done by its deadline at the penalties below. Immutable.
/// </summary>
/// <param name="CarbonPriceYenPerTonne">Carbon price, JPY per tonne CO2; default 10,000.</param>
/// <param name="UnservedYenPerMwh">Penalty per MWh of job work not done within the horizon; default 1,000,000.</param>
/// <param name="LateYenPerMwh">Penalty per MWh of job work done after its deadline; default 200,000.</param>
/// <param name="UnservedInferenceYenPerMwh">Penalty per MWh-equivalent of inference demand not served; default 2,000,000.</param>
/// <param name="BatteryCycleYenPerMwh">Wear cost per MWh discharged; default 1,000.</param>
public sealed record PlanningCosts(
    double CarbonPriceYenPerTonne = 10_000,
    double UnservedYenPerMwh = 1_000_000,
    double LateYenPerMwh = 200_000,
    double UnservedInferenceYenPerMwh = 2_000_000,
    double BatteryCycleYenPerMwh = 1_000)
{
    /// <summary>Checks the weights.</summary>
    /// <exception cref="ModelValidationException">A weight is negative, or late work costs more than unserved work.</exception>
    public void Validate()
    {
        Check.NonNegative(CarbonPriceYenPerTonne, "carbon_price_yen_per_t");
        Check.NonNegative(UnservedYenPerMwh, "unserved_yen_per_mwh");
        Check.NonNegative(LateYenPerMwh, "late_yen_per_mwh");
        Check.NonNegative(UnservedInferenceYenPerMwh, "unserved_inference_yen_per_mwh");
        Check.NonNegative(BatteryCycleYenPerMwh, "battery_cycle_yen_per_mwh");
        if (LateYenPerMwh > UnservedYenPerMwh)
        {
            throw new ModelValidationException("late_yen_per_mwh", "late_yen_per_mwh must not exceed unserved_yen_per_mwh (late work would be worse than none).");
        }
    }
}
