using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using WattBit.Server.Api;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;
using WattBit.Siting.Ranking;

namespace WattBit.Server.Studies;

/// <summary>A request to run a siting study.</summary>
internal sealed record SitingJobRequest([property: JsonRequired] string Study);

/// <summary>Planners: siting rankings as background jobs with progress, and their reports.</summary>
internal static class StudyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/siting").WithTags("Planners").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        group.MapGet("/studies", (SitingJobs jobs, ClaimsPrincipal user) => PlannerOnly(user) ?? TypedResults.Ok(jobs.Studies()))
            .WithSummary("The siting studies this server can run.");
        group.MapPost("/rankings", (SitingJobs jobs, ClaimsPrincipal user, SitingJobRequest body) =>
        {
            if (PlannerOnly(user) is { } denied)
            {
                return denied;
            }

            return jobs.Start(Caller.From(user)!.KeyId, body.Study) is { } status
                ? TypedResults.Accepted($"/api/siting/rankings/{status.Id}", status)
                : Problems.NotFound("siting study");
        }).WithSummary("Start ranking a study in the background (202 with the job; poll it for progress).");
        group.MapGet("/rankings", (SitingJobs jobs, ClaimsPrincipal user) => PlannerOnly(user) ?? TypedResults.Ok(jobs.List(Caller.From(user)!.KeyId)))
            .WithSummary("The caller's ranking jobs.");
        group.MapGet("/rankings/{id}", (SitingJobs jobs, ClaimsPrincipal user, string id) =>
            PlannerOnly(user) ?? (jobs.Status(Caller.From(user)!.KeyId, id) is { } s ? TypedResults.Ok(s) : Problems.NotFound("ranking job")))
            .WithSummary("A job's state and current stage.");
        group.MapGet("/rankings/{id}/report", (SitingJobs jobs, ClaimsPrincipal user, string id, [FromQuery] string? format) =>
        {
            if (PlannerOnly(user) is { } denied)
            {
                return denied;
            }

            var owner = Caller.From(user)!.KeyId;
            if (jobs.Status(owner, id) is not { } status)
            {
                return Problems.NotFound("ranking job");
            }

            if (format is not (null or "csv" or "geojson"))
            {
                var problems = new Problems();
                problems.Add("format", "format is csv (default) or geojson.");
                return problems.Result();
            }

            return jobs.Result(owner, id) is not { } result
                ? Problems.Conflict($"The job is {status.State.ToString().ToLowerInvariant()} ({status.Stage}); the report exists once it is done.")
                : format == "geojson"
                    ? TypedResults.Text(RankingWriter.GeoJson(result), "application/geo+json")
                    : TypedResults.Text(RankingWriter.Csv(result), "text/csv");
        }).WithSummary("The finished ranking as CSV (default) or GeoJSON.");
    }

    private static IResult? PlannerOnly(ClaimsPrincipal user) =>
        Caller.From(user)?.Role == Roles.Planner ? null : Problems.Forbidden("Siting studies are run by planner keys.");
}
