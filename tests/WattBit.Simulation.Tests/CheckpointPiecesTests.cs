using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Workloads;

namespace WattBit.Simulation.Tests;

/// <summary>
/// The planner policy places a checkpointing job in pieces across hours and sites when no whole run fits (decision
/// 0187), and the engine runs the pieces exactly as planned: the per-site, per-hour job loads are recomputed from the
/// simulator's own site loads, and the energy served is the job's energy plus the stated checkpoint overhead.
/// </summary>
public sealed class CheckpointPiecesTests
{
    // Two Kansai sites: site 0 with 1 MW of IT room (firm 1.25 MW at PUE 1.25), site 1 with 2 MW (firm 2.5 MW). Inference
    // fills a site's room where it is busy (room / 1.05, so the planned room, inference × 1.05, is exactly zero): site 0
    // is free in hours 0-1 only, site 1 in hours 2-3 only. Job: 1 MW for 4 h, window hours 0-6, submitted at site 0. No
    // site has 4 free hours, so no whole run fits in the window; in pieces it runs hours 0-1 at site 0 and hours 2-3 at
    // site 1, and the move costs the stated 25 minutes at 1 MW, drawn in hour 2: 1 + 25/60 MW there. Served: 4 MWh of
    // work + 25/60 MWh of restore.
    private const double Restore = 25.0 / 60;

    private static (SimulationResult Result, double[][] Inference) Run(bool checkpoints)
    {
        var world = TestScenarios.HandWorld("pieces", 1,
            "{id: a, area: KN, lat: 34.69, lon: 135.50, it_mw: 1, pue: 1.25, connection: {kind: firm, mw: 1.25}}",
            "{id: b, area: KN, lat: 34.70, lon: 135.52, it_mw: 2, pue: 1.25, connection: {kind: firm, mw: 2.5}}");
        var jobs = new JobSet(1);
        (jobs.Release[0], jobs.Deadline[0], jobs.Duration[0], jobs.PowerMw[0], jobs.Home[0]) = (0, 6, 4, 1.0, 0);
        jobs.Kind[0] = WorkloadKind.Training;
        jobs.Checkpoints[0] = checkpoints;
        var inference = new[] { new double[world.Steps], new double[world.Steps] };
        for (var t = 2; t <= 5; t++)
        {
            inference[0][t] = 1 / 1.05;
        }

        foreach (var t in new[] { 0, 1, 4, 5 })
        {
            inference[1][t] = 2 / 1.05;
        }

        return (Simulator.Run(world, new SimulatedWorkload(jobs, inference), TimeProvider.System), inference);
    }

    // The job IT load run at a site and hour: the site's IT load less the inference it served there (all of it: no site
    // has to move inference away, its room holds it).
    private static double JobLoad(PolicyResult p, double[][] inference, int site, int t) => p.SiteItMw[site][t] - inference[site][t];

    [Fact]
    public void CheckpointingJob_WithNoWholeRunThatFits_RunsInPiecesAcrossTwoSites_ExactlyAsPlanned()
    {
        var (result, inference) = Run(checkpoints: true);
        var planner = result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);

        // Hand-computed plan: site 0 in hours 0-1, site 1 in hours 2-3 (the restore in hour 2), nothing anywhere else.
        var expected = new double[2, result.World.Steps];
        expected[0, 0] = expected[0, 1] = 1;
        expected[1, 2] = 1 + Restore;
        expected[1, 3] = 1;
        for (var s = 0; s < 2; s++)
        {
            for (var t = 0; t < result.World.Steps; t++)
            {
                Assert.Equal(expected[s, t], JobLoad(planner, inference, s, t), 4);
            }
        }

        // Energy: 4 MWh of the job's work plus one move's restore, 25 minutes at 1 MW.
        var jobMwh = Enumerable.Range(0, 2).Sum(s => Enumerable.Range(0, result.World.Steps).Sum(t => JobLoad(planner, inference, s, t)));
        Assert.Equal(4 + Restore, jobMwh, 4);
        Assert.Equal(Restore, planner.CheckpointOverheadItMwh, 9);
        Assert.Equal(1, planner.JobsInPieces);
        Assert.Equal(2, planner.PiecesPlanned);
        Assert.Equal(0, planner.LateJobs);
        Assert.Equal(1, planner.JobsAsPlanned);
        Assert.Equal(0, planner.SiteStepsOverLimit);
        Assert.Equal(new[] { new JobPiece(0, 0, 0, 2), new JobPiece(0, 1, 2, 4) }, planner.JobPieces.OrderBy(p => p.From));

        // The greedy runs whole jobs only: nothing fits in the window, so it runs late.
        var greedy = result.Policies.Single(p => p.Policy == PolicyKind.WattBit);
        Assert.Equal(1, greedy.LateJobs);
        Assert.Equal(0, greedy.CheckpointOverheadItMwh);
    }

    [Fact]
    public void JobThatDoesNotCheckpoint_IsNeverSplit_AndRunsLateInOnePiece()
    {
        var (result, _) = Run(checkpoints: false);
        var planner = result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        Assert.Equal(0, planner.JobsInPieces);
        Assert.Equal(1, planner.LateJobs);
        Assert.Single(planner.JobPieces);
        Assert.Equal(4, planner.JobPieces[0].To - planner.JobPieces[0].From);
    }

    [Fact]
    public void StatedCost_IsTenMinutesPerPauseAndTwentyFiveMinutesPerMove()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), CheckpointCost.Default.Resume(moved: false));
        Assert.Equal(TimeSpan.FromMinutes(25), CheckpointCost.Default.Resume(moved: true));
        Assert.Equal(TimeSpan.FromMinutes(45), CheckpointCost.Default.Overhead(pauses: 2, moves: 1));
    }
}
