using WattBit.Units;

namespace WattBit.Core.Tests;

public sealed class UnitsTests
{
    [Fact]
    public void Power_TimesDuration_IsEnergy()
    {
        var energy = Power.FromKilowatts(500) * TimeSpan.FromMinutes(30);
        Assert.Equal(250, energy.KilowattHours, 12);
        Assert.Equal(0.25, energy.MegawattHours, 12);
    }

    [Fact]
    public void EnergySum_AddsEveryValue_AndIsZeroForNone()
    {
        Assert.Equal(4.25, Energy.Sum([Energy.FromKilowattHours(1), Energy.FromMegawattHours(0.0025), Energy.FromKilowattHours(0.75)]).KilowattHours, 12);
        Assert.Equal(Energy.Zero, Energy.Sum([]));
    }

    [Fact]
    public void Energy_TimesIntensity_IsEmissions()
    {
        var emissions = Energy.FromMegawattHours(2) * CarbonIntensity.FromGramsPerKilowattHour(450);
        Assert.Equal(900, emissions.Kilograms, 9);
        Assert.Equal(0.9, emissions.Tonnes, 12);
    }

    [Fact]
    public void Energy_TimesPrice_IsMoney()
    {
        var cost = Energy.FromKilowattHours(1000) * EnergyPrice.FromYenPerKilowattHour(12.5);
        Assert.Equal(12_500, cost.Yen, 9);
    }

    [Fact]
    public void Energy_DividedByDuration_IsAveragePower()
    {
        var power = Energy.FromKilowattHours(90) / TimeSpan.FromMinutes(45);
        Assert.Equal(120, power.Kilowatts, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Energy.FromKilowattHours(1) / TimeSpan.Zero);
    }

    [Fact]
    public void Emissions_OverEnergy_IsIntensity()
    {
        var intensity = Emissions.FromKilograms(45) / Energy.FromKilowattHours(100);
        Assert.Equal(450, intensity.GramsPerKilowattHour, 9);
    }

    [Fact]
    public void Megawatts_AndKilowatts_AreTheSameQuantity()
    {
        Assert.Equal(Power.FromMegawatts(1.5), Power.FromKilowatts(1500));
        Assert.True(Power.FromMegawatts(1) > Power.FromKilowatts(999));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Units_RejectNonFiniteValues(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Power.FromKilowatts(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => Energy.FromKilowattHours(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => Money.FromYen(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => EnergyPrice.FromYenPerKilowattHour(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => CarbonIntensity.FromGramsPerKilowattHour(value));
    }

    [Fact]
    public void CarbonIntensity_RejectsNegative()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CarbonIntensity.FromGramsPerKilowattHour(-1));
        Assert.Contains("non-negative", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Units_FormatWithTheirSymbols()
    {
        Assert.Equal("250 kW", Power.FromKilowatts(250).ToString());
        Assert.Equal("12.5 MW", Power.FromMegawatts(12.5).ToString());
        Assert.Equal("450 gCO2/kWh", CarbonIntensity.FromGramsPerKilowattHour(450).ToString());
        Assert.Equal("1,234.5 JPY", Money.FromYen(1234.5).ToString());
    }
}
