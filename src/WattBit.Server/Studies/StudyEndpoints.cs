using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using WattBit.Server.Api;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;

namespace WattBit.Server.Studies;

/// <summary>A request to run a siting study.</summary>
internal sealed record SitingJobRequest([property: JsonRequired] string Study);

/// <summary>A request to run a simulation scenario, optionally with another seed.</summary>
internal sealed record SimulationJobRequest([property: JsonRequired] string Scenario, int? Seed);

/// <summary>Planners: siting rankings and simulations as background jobs with progress, and their reports.</summary>
internal static class StudyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/siting").WithTags("Planners").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        group.MapGet("/studies", (SitingJobs jobs, ClaimsPrincipal user) => PlannerOnly(user) ?? TypedResults.Ok(jobs.Studies()))
            .WithSummary("The siting studies this server can run.");
        group.MapPost("/rankings", async Task<IResult> (SitingJobs jobs, ClaimsPrincipal user, SitingJobRequest body, CancellationToken ct) =>
        {
            if (PlannerOnly(user) is { } denied)
            {
                return denied;
            }

            var (status, busy) = await jobs.StartAsync(Caller.From(user)!.KeyId, body.Study, ct).ConfigureAwait(false);
            return status is not null
                ? TypedResults.Accepted($"/api/siting/rankings/{status.Id}", status)
                : busy ? Busy() : Problems.NotFound("siting study");
        }).WithSummary("Start ranking a study in the background (202 with the job; poll it for progress).");
        group.MapGet("/rankings", async Task<IResult> (SitingJobs jobs, ClaimsPrincipal user, CancellationToken ct) =>
                PlannerOnly(user) ?? TypedResults.Ok(await jobs.ListAsync(Caller.From(user)!.KeyId, ct).ConfigureAwait(false)))
            .WithSummary("The caller's ranking jobs.");
        group.MapGet("/rankings/{id}", async Task<IResult> (SitingJobs jobs, ClaimsPrincipal user, string id, CancellationToken ct) =>
            PlannerOnly(user) ?? (await jobs.StatusAsync(Caller.From(user)!.KeyId, id, ct).ConfigureAwait(false) is { } s ? TypedResults.Ok(s) : Problems.NotFound("ranking job")))
            .WithSummary("A job's state and current stage.");
        group.MapGet("/rankings/{id}/report", async Task<IResult> (SitingJobs jobs, ClaimsPrincipal user, string id, [FromQuery] string? format, CancellationToken ct) =>
        {
            if (PlannerOnly(user) is { } denied)
            {
                return denied;
            }

            var owner = Caller.From(user)!.KeyId;
            if (await jobs.StatusAsync(owner, id, ct).ConfigureAwait(false) is not { } status)
            {
                return Problems.NotFound("ranking job");
            }

            if (format is not (null or "csv" or "geojson"))
            {
                var problems = new Problems();
                problems.Add("format", "format is csv (default) or geojson.");
                return problems.Result();
            }

            return await jobs.ResultAsync(owner, id, ct).ConfigureAwait(false) is not { } result
                ? Problems.Conflict($"The job is {status.State.ToString().ToLowerInvariant()} ({status.Stage}); the report exists once it is done.")
                : format == "geojson"
                    ? TypedResults.Text(result.GeoJson, "application/geo+json")
                    : TypedResults.Text(result.Csv, "text/csv");
        }).WithSummary("The finished ranking as CSV (default) or GeoJSON.");

        var sims = app.MapGroup("/api").WithTags("Planners").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        sims.MapGet("/simulation/scenarios", (SimulationJobs jobs, ClaimsPrincipal user, [FromQuery] string? kind) =>
        {
            if (PlannerOnly(user) is { } denied)
            {
                return denied;
            }

            if (kind is not (null or "roadmap"))
            {
                var problems = new Problems();
                problems.Add("kind", "kind is roadmap (only the roadmap files), or left out for every scenario.");
                return problems.Result();
            }

            return TypedResults.Ok(jobs.Scenarios(roadmapsOnly: kind == "roadmap"));
        }).WithSummary("The simulation scenarios this server can run (kind=roadmap: only the roadmaps, whose jobs serve a run-out table).");
        sims.MapPost("/simulations", async Task<IResult> (SimulationJobs jobs, ClaimsPrincipal user, SimulationJobRequest body, CancellationToken ct) =>
        {
            if (PlannerOnly(user) is { } denied)
            {
                return denied;
            }

            if (body.Seed is < 0)
            {
                var problems = new Problems();
                problems.Add("seed", "seed must be 0 or more.");
                return problems.Result();
            }

            var (status, busy) = await jobs.StartAsync(Caller.From(user)!.KeyId, body.Scenario, body.Seed, ct).ConfigureAwait(false);
            return status is not null
                ? TypedResults.Accepted($"/api/simulations/{status.Id}", status)
                : busy ? Busy() : Problems.NotFound("simulation scenario");
        }).WithSummary("Start simulating a scenario in the background (202 with the job; poll it or follow simulation-job events for progress).");
        sims.MapGet("/simulations", async Task<IResult> (SimulationJobs jobs, ClaimsPrincipal user, CancellationToken ct) =>
                PlannerOnly(user) ?? TypedResults.Ok(await jobs.ListAsync(Caller.From(user)!.KeyId, ct).ConfigureAwait(false)))
            .WithSummary("The caller's simulation jobs.");
        sims.MapGet("/simulations/{id}", async Task<IResult> (SimulationJobs jobs, ClaimsPrincipal user, string id, CancellationToken ct) =>
            PlannerOnly(user) ?? (await jobs.StatusAsync(Caller.From(user)!.KeyId, id, ct).ConfigureAwait(false) is { } s ? TypedResults.Ok(s) : Problems.NotFound("simulation job")))
            .WithSummary("A job's state and progress (steps done of the total, over all policies); when done, the summary per policy.");
        sims.MapDelete("/simulations/{id}", async Task<IResult> (SimulationJobs jobs, ClaimsPrincipal user, string id, CancellationToken ct) =>
        {
            if (PlannerOnly(user) is { } denied)
            {
                return denied;
            }

            var owner = Caller.From(user)!.KeyId;
            if (await jobs.StatusAsync(owner, id, ct).ConfigureAwait(false) is null)
            {
                return Problems.NotFound("simulation job");
            }

            var cancelled = await jobs.CancelAsync(owner, id, ct).ConfigureAwait(false);
            var now = await jobs.StatusAsync(owner, id, ct).ConfigureAwait(false);
            return cancelled ? TypedResults.Ok(now) : Problems.Conflict($"The job is already {now!.State.ToString().ToLowerInvariant()}.");
        }).WithSummary("Cancel a running simulation: it is cancelled at once (its work stops within a simulated day); 409 once it has ended.");
        sims.MapGet("/simulations/{id}/report", (SimulationJobs jobs, HttpContext http, ClaimsPrincipal user, string id, CancellationToken ct) =>
            SimulationFileAsync(jobs, http, user, id, "report.html", "text/html", ct))
            .WithSummary("The finished report (HTML with plots).");
        sims.MapGet("/simulations/{id}/report/{file}", (SimulationJobs jobs, HttpContext http, ClaimsPrincipal user, string id, string file, CancellationToken ct) =>
            file.EndsWith(".csv", StringComparison.Ordinal) ? SimulationFileAsync(jobs, http, user, id, file, "text/csv", ct)
            : file.EndsWith(".svg", StringComparison.Ordinal) ? SimulationFileAsync(jobs, http, user, id, file, "image/svg+xml", ct)
            : Task.FromResult(Problems.NotFound("report file")))
            .WithSummary("One CSV or plot of the finished report (summary.csv, areas.csv, ...; a roadmap's roadmap.csv, run_out.csv, ties.csv, run_out.svg, roadmap.svg: the job's files list them).");
        sims.MapGet("/simulations/{id}/run-out", async Task<IResult> (SimulationJobs jobs, ClaimsPrincipal user, string id, CancellationToken ct) =>
        {
            if (PlannerOnly(user) is { } denied)
            {
                return denied;
            }

            var owner = Caller.From(user)!.KeyId;
            if (await jobs.StatusAsync(owner, id, ct).ConfigureAwait(false) is not { } status)
            {
                return Problems.NotFound("simulation job");
            }

            return await jobs.ResultAsync(owner, id, ct).ConfigureAwait(false) is not { } result
                ? Problems.Conflict($"The job is {status.State.ToString().ToLowerInvariant()} ({status.Stage}); the run-out table exists once it is done.")
                : result.RunOut is { } rows ? TypedResults.Ok(rows) : Problems.NotFound("run-out table (the job is not a roadmap)");
        }).Produces<IReadOnlyList<RoadmapRunOutRow>>()
            .WithSummary("A finished roadmap's run-out table (JSON; run_out.csv is the same as CSV): per cluster the years it runs out without and with shifting, the line that binds first and the reinforcement needed by the last year.");
    }

    private static async Task<IResult> SimulationFileAsync(SimulationJobs jobs, HttpContext http, ClaimsPrincipal user, string id, string file, string contentType,
        CancellationToken ct)
    {
        if (PlannerOnly(user) is { } denied)
        {
            return denied;
        }

        var owner = Caller.From(user)!.KeyId;
        if (await jobs.StatusAsync(owner, id, ct).ConfigureAwait(false) is not { } status)
        {
            return Problems.NotFound("simulation job");
        }

        if (await jobs.ResultAsync(owner, id, ct).ConfigureAwait(false) is not { } result)
        {
            return Problems.Conflict(status.Error is { } error
                ? $"The job failed ({error}); it has no report."
                : $"The job is running ({status.Stage}, {status.StepsDone} of {status.StepsTotal} steps); the report exists once it is done.");
        }

        if (!result.Files.TryGetValue(file, out var bytes))
        {
            return Problems.NotFound("report file");
        }

        // The report is the server's own HTML (plots inline as data: images); it needs nothing else and runs no script.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
        return TypedResults.Bytes(bytes, contentType + "; charset=utf-8");
    }

    private static IResult Busy() =>
        Problems.Conflict($"At most {JobRunner<object>.MaxRunningPerOwner} jobs run at once per key; wait for one to finish (or cancel a simulation).");

    private static IResult? PlannerOnly(ClaimsPrincipal user) =>
        Caller.From(user)?.Role == Roles.Planner ? null : Problems.Forbidden("Siting studies and simulations are run by planner keys.");
}
