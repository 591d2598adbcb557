using System.Globalization;
using WattBit.Formats;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Reporting;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Tests;

/// <summary>
/// The operators-alone and market policies, checked from the run's own per-piece and per-site-step output: limits held,
/// every operator's work conserved, nothing run at another operator's site without trading, and the settlement of the
/// bought hours recomputed and summing to zero.
/// </summary>
public sealed class MarketPolicyTests
{
    private static readonly Lazy<SimulationResult> ThreeOperators = new(() => TestScenarios.Run(TestScenarios.Parse(Yaml(
        """
          - {generate: distributed, operator: north, prefix: n, count: 6, areas: [HKD, TH], it_mw: [0.5, 1.9], grid_factor: 0.8, connections: {firm: 0.4, provisional: 0.3, flexible: 0.3}}
          - {generate: distributed, operator: east, prefix: e, count: 6, areas: [TK], it_mw: [0.5, 1.9], pue: 1.4, grid_factor: 0.8, connections: {firm: 0.4, provisional: 0.3, flexible: 0.3}}
          - {generate: distributed, operator: west, prefix: w, count: 6, areas: [KN, KY], it_mw: [0.5, 1.9], grid_factor: 0.8, connections: {firm: 0.4, provisional: 0.3, flexible: 0.3}}
        """,
        "events:\n  - {kind: faults, rate_per_year: 100, hours: 5, limit_share: 0.3}"))));

    private static string Yaml(string sites, string events = "", string policies = "[operators-alone, market]") => string.Create(CultureInfo.InvariantCulture, $"""
        name: market test
        data:
          synthetic: 2025
        period:
          start: 2025-05-01
          end: 2025-05-08
        step: 1h
        seed: 5
        sites:
        {sites}
        workload:
          target_mw: 7
          jobs: 800
        {events}
        policies: {policies}
        """);

    private static int[] Owner(SimulationResult result)
    {
        var names = result.Scenario.Sites.Select(s => s.Operator).Distinct().ToList();
        return [.. result.Scenario.Sites.Select(s => names.IndexOf(s.Operator))];
    }

    [Fact]
    public void ScenarioFile_ReadsEachFleetsOperator_AndGivesUnnamedSitesTheDefaultOne()
    {
        var s = TestScenarios.Parse(Yaml("""
              - {generate: distributed, operator: north, prefix: n, count: 3, areas: [HKD]}
              - {id: solo, area: TK, lat: 35.8, lon: 140.1, it_mw: 1, connection: {kind: firm, mw: 1.3}}
              - {id: big, area: KY, lat: 33.6, lon: 130.4, it_mw: 1, operator: west.co_2, connection: {kind: firm, mw: 1.3}}
            """));
        Assert.Equal(["north", "north", "north", SiteSpec.DefaultOperator, "west.co_2"], s.Sites.Select(x => x.Operator));
        Assert.Equal([PolicyKind.OperatorsAlone, PolicyKind.Market], s.Policies);
    }

    [Fact]
    public void ScenarioFile_BadOperatorName_FailsWithItsLineAndField()
    {
        var yaml = Yaml("  - {id: solo, area: TK, lat: 35.8, lon: 140.1, it_mw: 1, operator: 'a b', connection: {kind: firm, mw: 1.3}}");
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Equal(yaml.Split('\n').ToList().FindIndex(l => l.Contains("'a b'", StringComparison.Ordinal)) + 1, e.Line);
        Assert.Contains("operator 'a b'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BothPolicies_DrawWithinEverySiteLimitAtEveryStep()
    {
        var result = ThreeOperators.Value;
        foreach (var p in result.Policies)
        {
            for (var s = 0; s < result.World.LimitMw.Count; s++)
            {
                for (var t = 0; t < result.World.Steps; t++)
                {
                    Assert.True(p.SiteGridMw[s][t] <= result.World.LimitMw[s][t] + 1e-5, $"{p.Policy}: site {s} step {t} draws {p.SiteGridMw[s][t]} MW over {result.World.LimitMw[s][t]} MW");
                }
            }
        }
    }

    [Fact]
    public void OperatorsAlone_RunsEveryJobOnlyAtItsOwnOperatorsSites()
    {
        var result = ThreeOperators.Value;
        var owner = Owner(result);
        var alone = result.Policies.Single(p => p.Policy == PolicyKind.OperatorsAlone);
        Assert.All(alone.JobPieces, piece => Assert.Equal(owner[result.Workload.Jobs.Home[piece.Job]], owner[piece.Site]));
        Assert.All(OperatorAccounts.Of(result, alone), o => Assert.Equal(0, o.BoughtItMwh + o.SoldItMwh + o.PaidYen + o.ReceivedYen));
    }

    [Fact]
    public void EveryOperatorsWork_IsConserved_AndEverySiteRanAtMostItsLoad()
    {
        var result = ThreeOperators.Value;
        var owner = Owner(result);
        var jobs = result.Workload.Jobs;
        var h = result.World.StepHours;
        var ops = owner.Max() + 1;
        foreach (var p in result.Policies)
        {
            // Per job: its pieces within its release and 48 h after its deadline, never more steps than its duration.
            var ran = new int[jobs.Count];
            var jobLoad = result.Scenario.Sites.Select(_ => new double[result.World.Steps]).ToArray();
            foreach (var piece in p.JobPieces)
            {
                Assert.True(piece.From >= jobs.Release[piece.Job] && piece.To <= jobs.Deadline[piece.Job] + 48);
                ran[piece.Job] += piece.To - piece.From;
                for (var t = piece.From; t < piece.To; t++)
                {
                    jobLoad[piece.Site][t] += jobs.PowerMw[piece.Job];
                }
            }

            Assert.All(Enumerable.Range(0, jobs.Count), j => Assert.InRange(ran[j], 0, jobs.Duration[j]));
            for (var s = 0; s < jobLoad.Length; s++)
            {
                for (var t = 0; t < result.World.Steps; t++)
                {
                    Assert.True(jobLoad[s][t] <= p.SiteItMw[s][t] + 1e-4, $"{p.Policy}: site {s} step {t}");
                }
            }

            // Per operator: what its jobs ran (wherever) plus what was never run is what it asked for; over all
            // operators the never-run part is the engine's unserved and lost work.
            var served = new double[ops];
            var asked = new double[ops];
            for (var j = 0; j < jobs.Count; j++)
            {
                served[owner[jobs.Home[j]]] += jobs.PowerMw[j] * ran[j] * h;
                asked[owner[jobs.Home[j]]] += jobs.PowerMw[j] * jobs.Duration[j] * h;
            }

            var totals = OperatorAccounts.Of(result, p);
            for (var o = 0; o < ops; o++)
            {
                Assert.Equal(served[o], totals[o].ServedJobItMwh, 1e-6 * asked[o]);
                Assert.Equal(asked[o], totals[o].ServedJobItMwh + totals[o].UnservedJobItMwh, 1e-6 * asked[o]);
            }

            Assert.Equal(p.UnservedJobItMwh + p.CurtailedJobItMwh, totals.Sum(o => o.UnservedJobItMwh), 1e-6 * asked.Sum());
        }
    }

    [Fact]
    public void Market_TradesSpareRoom_AndItsSettlementIsTheSellersEnergyCostPlusTheMarkup_SummingToZero()
    {
        var result = ThreeOperators.Value;
        var owner = Owner(result);
        var jobs = result.Workload.Jobs;
        var world = result.World;
        var market = result.Policies.Single(p => p.Policy == PolicyKind.Market);
        var ops = owner.Max() + 1;
        var paid = new double[ops];
        var received = new double[ops];
        var boughtMwh = new double[ops];
        foreach (var piece in market.JobPieces)
        {
            int buyer = owner[jobs.Home[piece.Job]], seller = owner[piece.Site];
            if (buyer == seller)
            {
                continue;
            }

            var area = world.SiteArea[piece.Site];
            for (var t = piece.From; t < piece.To; t++)
            {
                // MW × h × PUE = grid MWh; × JPY/kWh × 1000 = JPY; + 10 %.
                var yen = jobs.PowerMw[piece.Job] * world.StepHours * result.Scenario.Sites[piece.Site].Pue * world.Price[area][t] * 1000 * 1.1;
                paid[buyer] += yen;
                received[seller] += yen;
                boughtMwh[buyer] += jobs.PowerMw[piece.Job] * world.StepHours;
            }
        }

        Assert.True(boughtMwh.Sum() > 0, "three regional fleets with different carbon should trade some hours");
        var totals = OperatorAccounts.Of(result, market);
        for (var o = 0; o < ops; o++)
        {
            Assert.Equal(paid[o], totals[o].PaidYen, 1e-6 * paid.Sum());
            Assert.Equal(received[o], totals[o].ReceivedYen, 1e-6 * paid.Sum());
            Assert.Equal(boughtMwh[o], totals[o].BoughtItMwh, 1e-9 * boughtMwh.Sum());
        }

        Assert.Equal(0, totals.Sum(o => o.SettlementYen), 1e-9 * paid.Sum());
        Assert.Equal(totals.Sum(o => o.BoughtItMwh), totals.Sum(o => o.SoldItMwh), 1e-9 * boughtMwh.Sum());

        // The bills and settlements together are what the whole fleet's draw cost: nothing is created by settling.
        var fleetBill = 0.0;
        for (var s = 0; s < world.Scenario.Sites.Count; s++)
        {
            for (var t = 0; t < world.Steps; t++)
            {
                fleetBill += market.SiteItMw[s][t] * world.StepHours * world.Scenario.Sites[s].Pue * world.Price[world.SiteArea[s]][t] * 1000;
            }
        }

        Assert.Equal(fleetBill, totals.Sum(o => o.NetCostYen), 1e-6 * fleetBill);
    }

    [Fact]
    public void Market_WithOneOperator_IsOperatorsAlone_WhichIsWattBit()
    {
        var result = TestScenarios.Run(TestScenarios.Parse(Yaml(
            "  - {generate: distributed, count: 8, areas: [HKD, TK, KY], it_mw: [0.5, 1.9], grid_factor: 0.8, connections: {firm: 0.4, provisional: 0.3, flexible: 0.3}}",
            "events:\n  - {kind: faults, rate_per_year: 100, hours: 5, limit_share: 0.3}", "[operators-alone, market, wattbit]")));
        var alone = result.Policies.Single(p => p.Policy == PolicyKind.OperatorsAlone);
        var market = result.Policies.Single(p => p.Policy == PolicyKind.Market);
        var wattbit = result.Policies.Single(p => p.Policy == PolicyKind.WattBit);
        Assert.Equal(alone.JobPieces, market.JobPieces);
        Assert.Equal(wattbit.JobPieces, alone.JobPieces);
        Assert.Equal(alone.Overall, market.Overall);
        Assert.Equal(SiteSpec.DefaultOperator, Assert.Single(OperatorAccounts.Of(result, market)).Operator);
    }
}
