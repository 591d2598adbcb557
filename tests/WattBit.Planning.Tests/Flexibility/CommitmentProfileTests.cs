using WattBit.Planning.Flexibility;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Tests.Flexibility;

/// <summary>Commitments per 30-minute slot (decision 0200): the answer from hourly offers and the settlement slot by slot, by hand.</summary>
public sealed class CommitmentProfileTests
{
    private static readonly DateTimeOffset Day = new(2025, 11, 10, 0, 0, 0, Jst.Offset);
    private static readonly TimeWindow Window = new(Day.AddHours(15), Day.AddHours(17));

    private static FlexibilityOffer Hourly(string site, int hour, int hours, double mw, double yen, int noticeMinutes = 30) =>
        new(new SiteId(site), "TK", TimeWindow.FromDuration(Day.AddHours(hour), TimeSpan.FromHours(hours)), FlexDirection.Down, Power.FromMegawatts(mw), Power.Zero,
            Power.Zero, TimeSpan.FromMinutes(noticeMinutes), EnergyPrice.FromYenPerKilowattHour(yen));

    private static double[] Mw(CommitmentProfile p) => [.. p.Slots.Select(s => Math.Round(s.Megawatts, 9))];

    [Fact]
    public void AnswerBySlot_HourlyOffers_CommitEachSiteInTheSlotsItsOffersCover_CheapestFirst()
    {
        // 6 MW asked 15:00-17:00 at 170 min notice. b offers 3 MW over both hours at 15 JPY; a 5 MW at 15:00 (20 JPY) and 2 MW
        // at 16:00 (22 JPY); c 4 MW at 16:00 but needs 240 min notice. b first (15 < 22): 3 MW in every slot; a the rest: 3, 3,
        // then only its 2 MW. The slots 16:00 and 16:30 hold 5 of the 6 MW.
        var offers = new[] { Hourly("a", 15, 1, 5, 20), Hourly("a", 16, 1, 2, 22), Hourly("b", 15, 2, 3, 15, 60), Hourly("c", 16, 1, 4, 1, 240) };
        var request = new AreaRequest("r", "TK", FlexDirection.Down, Power.FromMegawatts(6), Window, Day.AddHours(12).AddMinutes(10));

        var answer = AreaRequests.AnswerBySlot(request, offers);

        Assert.Equal(["b", "a"], answer.Commitments.Select(c => c.Site.ToString()));
        Assert.Equal([3.0, 3.0, 3.0, 3.0], Mw(answer.Commitments[0].Profile!));
        Assert.Equal([3.0, 3.0, 2.0, 2.0], Mw(answer.Commitments[1].Profile!));
        Assert.Equal(3, answer.Commitments[1].Power.Megawatts, 9); // the largest slot
        Assert.Equal(22, answer.Commitments[1].Price.YenPerKilowattHour, 9); // the highest of the offers a commits from
        Assert.Equal(5, answer.Available.Megawatts, 9); // what every slot holds
        Assert.Contains("hold 5 MW of the 6 MW asked in the slot that holds least (2 of 4 30-minute slots short)", answer.Note, StringComparison.Ordinal);
        Assert.Equal(3 * 2 + (3 + 2) * 1, answer.Commitments.Sum(c => c.Profile!.Energy.MegawattHours), 9);
    }

    [Fact]
    public void AnswerBySlot_OneOfferOverTheWindow_IsTheFlatAnswer()
    {
        var request = new AreaRequest("r", "TK", FlexDirection.Down, Power.FromMegawatts(4), Window, Day.AddHours(12));
        var whole = new FlexibilityOffer(new SiteId("a"), "TK", Window, FlexDirection.Down, Power.FromMegawatts(5), Power.Zero, Power.Zero, TimeSpan.FromMinutes(15),
            EnergyPrice.FromYenPerKilowattHour(10));

        var bySlot = AreaRequests.AnswerBySlot(request, [whole]);
        var flat = AreaRequests.Answer(request, [whole]);

        Assert.Equal(flat.Commitments.Select(c => (c.Site, c.Power, c.Price)), bySlot.Commitments.Select(c => (c.Site, c.Power, c.Price)));
        Assert.Equal([4.0, 4.0, 4.0, 4.0], Mw(bySlot.Commitments[0].Profile!));
        Assert.Empty(bySlot.Note);
    }

    [Fact]
    public void Settle_PerSlot_CreditsEachSlotWithinItsOwnCommitment()
    {
        // Baseline 4200 kWh a slot. Profile 4, 4, 2, 2 MW = 2000, 2000, 1000, 1000 kWh a slot. Metered 2200, 2700, 2700, 4500:
        // delivered 2000, 1500, 1500, −300; credited 2000, 1500, 1000 (its slot's cap), 0; 4500 of 6000 kWh, shortfall 1500.
        var baseline = Baseline([4200, 4200, 4200, 4200], [2200, 2700, 2700, 4500]);
        var profile = new CommitmentProfile(Window, [.. new[] { 4.0, 4, 2, 2 }.Select(Power.FromMegawatts)]);

        var credit = DrCredit.Settle(baseline, FlexDirection.Down, profile);

        Assert.Equal([2000.0, 1500, 1500, -300], credit.Slots.Select(s => Math.Round(s.Delivered.KilowattHours, 9)));
        Assert.Equal([2000.0, 1500, 1000, 0], credit.Slots.Select(s => Math.Round(s.Credited.KilowattHours, 9)));
        Assert.Equal([0.0, 500, 0, 1000], credit.Slots.Select(s => Math.Round(s.Shortfall.KilowattHours, 9)));
        Assert.Equal(6000, credit.Committed.KilowattHours, 9);
        Assert.Equal(4500, credit.Credited.KilowattHours, 9);
        Assert.Equal(1500, credit.Shortfall.KilowattHours, 9);
        Assert.Equal(4700, credit.Delivered.KilowattHours, 9);

        // One number for the window: 4 MW throughout is credited 5000 of 8000 (62.5 %); 2 MW (the worst slot) 3000 of 4000.
        Assert.Equal(5000, DrCredit.Settle(baseline, FlexDirection.Down, CommitmentProfile.Flat(Window, Power.FromMegawatts(4))).Credited.KilowattHours, 9);
        Assert.Equal(3000, DrCredit.Settle(baseline, FlexDirection.Down, CommitmentProfile.Flat(Window, Power.FromMegawatts(2))).Credited.KilowattHours, 9);
    }

    [Fact]
    public void Settle_Up_CreditsActualAboveTheBaseline()
    {
        var baseline = Baseline([1000, 1000, 1000, 1000], [1600, 1200, 900, 1000]);
        var profile = CommitmentProfile.Flat(Window, Power.FromMegawatts(1)); // 500 kWh a slot

        var credit = DrCredit.Settle(baseline, FlexDirection.Up, profile);

        Assert.Equal([600.0, 200, -100, 0], credit.Slots.Select(s => Math.Round(s.Delivered.KilowattHours, 9)));
        Assert.Equal(500 + 200, credit.Credited.KilowattHours, 9);
    }

    [Fact]
    public void Profile_WrongSlotCountOrNegativeSlot_IsRejectedNamingIt()
    {
        var three = Assert.Throws<ArgumentException>(() => new CommitmentProfile(Window, [Power.Zero, Power.Zero, Power.Zero]));
        Assert.Contains("4 30-minute slots; the profile gives 3", three.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentException>(() => new CommitmentProfile(Window, [Power.Zero, Power.FromMegawatts(-1), Power.Zero, Power.Zero]));
        Assert.Contains("slot 1 (2025-11-10T15:30:00.0000000+09:00)", negative.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CommitmentProfile.Flat(new TimeWindow(Day.AddHours(15).AddMinutes(10), Day.AddHours(16)), Power.Zero));
        var other = Baseline([1, 1, 1, 1], [1, 1, 1, 1]) with { Event = new TimeWindow(Day.AddHours(9), Day.AddHours(11)) };
        Assert.Throws<ArgumentException>(() => DrCredit.Settle(other, FlexDirection.Down, CommitmentProfile.Flat(Window, Power.Zero)));
    }

    private static BaselineResult Baseline(double[] baselineKwh, double[] actualKwh) => new()
    {
        Event = Window,
        DayKind = BaselineDayKind.Weekday,
        Slots = [.. baselineKwh.Select((b, i) => new BaselineSlot(Window.Start.AddMinutes(30 * i), Energy.FromKilowattHours(b), Energy.FromKilowattHours(actualKwh[i])))],
    };
}
