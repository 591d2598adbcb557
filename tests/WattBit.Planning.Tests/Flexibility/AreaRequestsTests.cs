using WattBit.Planning.Dispatch;
using WattBit.Planning.Flexibility;
using WattBit.Planning.Planner;
using WattBit.Planning.Scenarios;
using WattBit.Planning.Tests.Scenarios;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Tests.Flexibility;

public sealed class AreaRequestsTests
{
    private static readonly DateTimeOffset H = new(2026, 4, 15, 18, 0, 0, Jst.Offset);
    private static readonly TimeWindow Window = TimeWindow.FromDuration(H.AddMinutes(15), TimeSpan.FromHours(1));

    private static FlexibilityOffer Offer(string site, string area, double mw, double yen, FlexDirection direction = FlexDirection.Down) =>
        new(new SiteId(site), area, Window, direction, Power.FromMegawatts(mw), Power.FromMegawatts(mw), Power.Zero, TimeSpan.FromMinutes(15),
            EnergyPrice.FromYenPerKilowattHour(yen));

    [Fact]
    public void Answer_TakesTheAreasCheapestOffersUntilTheRequestIsMet()
    {
        // TK offers: b 4 MW at 10, a 5 MW at 12, c 3 MW at 30; KY and up offers do not count. 8 MW asked: b 4 + a 4.
        var offers = new[] { Offer("a", "TK", 5, 12), Offer("b", "TK", 4, 10), Offer("c", "TK", 3, 30), Offer("k", "KY", 50, 1), Offer("u", "TK", 9, 1, FlexDirection.Up) };
        var request = new AreaRequest("r1", "TK", FlexDirection.Down, Power.FromMegawatts(8), Window, H);

        var answer = AreaRequests.Answer(request, offers);

        Assert.Equal(12, answer.Available.Megawatts, 9);
        Assert.Equal(["b", "a"], answer.Commitments.Select(c => c.Site.ToString()));
        Assert.Equal([4.0, 4.0], answer.Commitments.Select(c => c.Power.Megawatts));
        Assert.Equal(8, answer.Committed.Megawatts, 9);
        Assert.Empty(answer.Note);
    }

    [Fact]
    public void Answer_MoreThanOffered_CommitsWhatIsThereAndSaysSo()
    {
        var request = new AreaRequest("r2", "TK", FlexDirection.Down, Power.FromMegawatts(20), Window, H);

        var answer = AreaRequests.Answer(request, [Offer("a", "TK", 5, 12)]);

        Assert.Equal(5, answer.Committed.Megawatts, 9);
        Assert.Contains("5 MW of the 20 MW", answer.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_ShorterNoticeThanTheOffersNeed_CommitsNothing()
    {
        var request = new AreaRequest("r3", "TK", FlexDirection.Down, Power.FromMegawatts(1), Window, H.AddMinutes(10));

        Assert.Empty(AreaRequests.Answer(request, [Offer("a", "TK", 5, 12)]).Commitments);
    }

    [Fact]
    public void Answer_WindowBeforeTheRequest_IsRejected()
    {
        var request = new AreaRequest("r4", "TK", FlexDirection.Down, Power.FromMegawatts(1), Window, H.AddHours(2));

        Assert.Throws<ArgumentException>(() => AreaRequests.Answer(request, [Offer("a", "TK", 5, 12)]));
    }

    [Fact]
    public void Deliver_OnThePlannedSampleDay_DeliversEveryCommittedMegawatt()
    {
        var scenario = ScenarioReader.Read(ScenarioReaderTests.SamplePath);
        var problem = scenario.Problem;
        var plan = new OptimisingPlanner(TimeProvider.System, Timeout.InfiniteTimeSpan).Plan(problem);
        var offers = FlexibilityOffers.FromPlan(problem, plan);
        var reports = new List<DeliveryReport>();
        foreach (var g in offers.Where(o => o.Direction == FlexDirection.Down).GroupBy(o => (o.Area, o.Window.Start)))
        {
            var window = g.First().Window;
            var request = new AreaRequest($"{g.Key.Area}@{window.Start:HH}", g.Key.Area, FlexDirection.Down,
                Power.FromMegawatts(g.Sum(o => o.Power.Megawatts) + 5), window, window.Start - TimeSpan.FromMinutes(15));
            var answer = AreaRequests.Answer(request, offers);
            Assert.NotEmpty(answer.Note);
            reports.Add(AreaRequests.Deliver(answer, problem, plan, new Dispatcher(TimeProvider.System)));
        }

        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(r.Committed.Megawatts, r.Delivered.Megawatts, 6));
        Assert.All(reports.SelectMany(r => r.Sites), s => Assert.Empty(s.Why));
    }
}
