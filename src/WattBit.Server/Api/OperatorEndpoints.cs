using System.Security.Claims;
using WattBit.Data.Storage;
using WattBit.Server.Events;
using WattBit.Server.Infrastructure;
using WattBit.Server.Plans;
using WattBit.Server.Security;
using WattBit.Server.Connections;
using WattBit.Sites;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Server.Api;

/// <summary>
/// DC operators' sites and workloads. Every id a DC operator names is looked up inside its own namespace (stored as
/// <c>{operator}/{id}</c>), so another operator's site or workload is simply not there: 404, never 403.
/// </summary>
internal static class OperatorEndpoints
{
    private const int MaxSitesPerJob = 16;

    public static void Map(IEndpointRouteBuilder app)
    {
        var sites = app.MapGroup("/api/sites").WithTags("DC operators").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        sites.MapGet("/", ListSitesAsync).WithSummary("The caller's sites (DC operator).");
        sites.MapGet("/{id}", GetSiteAsync).WithSummary("One of the caller's sites.");
        sites.MapPut("/{id}", PutSiteAsync).WithSummary("Register or update a site (give version to update only that version).");

        var jobs = app.MapGroup("/api/workloads").WithTags("DC operators").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        jobs.MapGet("/", ListJobsAsync).WithSummary("The caller's workloads.");
        jobs.MapGet("/{id}", GetJobAsync).WithSummary("One of the caller's workloads.");
        jobs.MapPost("/", SubmitJobAsync).WithSummary("Submit a batch workload (runs within [release, deadline) on the listed sites).");
        jobs.MapDelete("/{id}", CancelJobAsync).WithSummary("Cancel a workload.");

        var plan = app.MapGroup("/api/plan").WithTags("DC operators").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        plan.MapGet("/", async (PlanService plans, ClaimsPrincipal user, CancellationToken ct) =>
            DcOperator(user) is not { } me ? NotDcOperator()
            : await plans.CurrentAsync(me.Operator!, ct).ConfigureAwait(false) is { } p ? TypedResults.Ok(p) : Problems.NotFound("plan yet"))
            .WithSummary("The caller's current day-ahead plan: when and at which of its sites each workload runs (replanned after every change).");
        plan.MapPost("/", async (PlanService plans, ClaimsPrincipal user, CancellationToken ct) =>
            DcOperator(user) is not { } me ? NotDcOperator() : TypedResults.Ok(await plans.ReplanAsync(me.Operator!, ct).ConfigureAwait(false)))
            .WithSummary("Replan now (for example after the signals changed) and return the new plan.");

        app.MapGet("/api/areas/{area}/sites", AreaSitesAsync).WithTags("Grid operators").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters()
            .WithSummary("Grid operator of the area: the DC sites connected in it (with their operators).");
        app.MapGet("/api/me", (ClaimsPrincipal user) => Caller.From(user) is { } c ? TypedResults.Ok(new MeResponse(c.KeyId, c.Role, c.Area, c.Operator)) : Results.Unauthorized())
            .RequireAuthorization(Roles.AnyKey).WithTags("Identity").WithSummary("Who the key belongs to.");
    }

    internal static string Scoped(string op, string id) => op + "/" + id;

    internal static bool IsValidId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>A site as the API answers it, with its connection as <paramref name="grids"/> last read it (call <see cref="SiteGrids.CatchUpAsync"/> first).</summary>
    internal static SiteResponse ToResponse(Versioned<Site> v, SiteGrids grids)
    {
        var (op, id) = Split(v.Value.Id.Value);
        var s = v.Value;
        return new SiteResponse(id, op, s.Name, s.Area.Code, s.ItCapacity.Megawatts, s.Pue, s.Location?.Latitude, s.Location?.Longitude, v.Version,
            grids.Known(s.Id.Value) is { } connection ? SiteGrid.Of(connection) : null);
    }

    internal static (string Operator, string Id) Split(string scoped)
    {
        var slash = scoped.IndexOf('/', StringComparison.Ordinal);
        return (scoped[..slash], scoped[(slash + 1)..]);
    }

    private static Caller? DcOperator(ClaimsPrincipal user) => Caller.From(user) is { IsDcOperator: true } c ? c : null;

    private static IResult NotDcOperator() => Problems.Forbidden("Only DC operator keys have sites and workloads.");

    private static async Task<IResult> ListSitesAsync(IWattBitStore store, SiteGrids grids, ClaimsPrincipal user, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return NotDcOperator();
        }

        var prefix = me.Operator + "/";
        var all = await store.ListSitesAsync(ct).ConfigureAwait(false);
        await grids.CatchUpAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(all.Where(v => v.Value.Id.Value.StartsWith(prefix, StringComparison.Ordinal)).Select(v => ToResponse(v, grids)).ToList());
    }

    private static async Task<IResult> GetSiteAsync(IWattBitStore store, SiteGrids grids, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return NotDcOperator();
        }

        await grids.CatchUpAsync(ct).ConfigureAwait(false);
        return IsValidId(id) && await store.GetSiteAsync(new SiteId(Scoped(me.Operator!, id)), ct).ConfigureAwait(false) is { } v
            ? TypedResults.Ok(ToResponse(v, grids))
            : Problems.NotFound("site");
    }

    private static async Task<IResult> PutSiteAsync(IWattBitStore store, SiteGrids grids, EventHub events, PlanService plans, ClaimsPrincipal user, string id, SiteRequest body, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return NotDcOperator();
        }

        var problems = new Problems();
        problems.Require(IsValidId(id), "id", "A site id has 1-64 letters, digits, '-', '_' or '.'.");
        var area = problems.Area(body.Area, "area");
        problems.Require(body.ItCapacityMw is > 0 and <= 10_000, "itCapacityMw", "itCapacityMw must be above 0 and at most 10000.");
        problems.Require(body.Pue is null or (>= 1.0 and <= 5.0), "pue", "pue must be between 1.0 and 5.0.");
        problems.Require(body.Name is null || body.Name.Length <= 200, "name", "name has at most 200 characters.");
        problems.Require(body.Latitude.HasValue == body.Longitude.HasValue, "latitude", "Give both latitude and longitude, or neither.");
        problems.Require(body.Latitude is null or (>= 20 and <= 46), "latitude", "latitude must be within Japan (20-46).");
        problems.Require(body.Longitude is null or (>= 122 and <= 154), "longitude", "longitude must be within Japan (122-154).");
        body.Grid?.Validate(problems);
        if (problems.Any)
        {
            return problems.Result();
        }

        var siteId = new SiteId(Scoped(me.Operator!, id));
        var site = new Site(siteId, body.Name ?? id, area!, Power.FromMegawatts(body.ItCapacityMw), body.Pue ?? 1.3,
            body.Latitude is { } lat ? new GeoPoint(lat, body.Longitude!.Value) : null);
        var existing = await store.GetSiteAsync(siteId, ct).ConfigureAwait(false);
        var expected = body.Version ?? existing?.Version ?? 0;
        var version = await store.SaveSiteAsync(site, expected, ct).ConfigureAwait(false);
        await grids.SetAsync(siteId.Value, body.Grid?.ToConnection(), ct).ConfigureAwait(false);
        await events.PublishAsync("site", area!.Code, me.Operator, new { id, version }).ConfigureAwait(false);
        plans.RequestReplan(me.Operator!);
        var response = ToResponse(new Versioned<Site>(site, version), grids);
        return existing is null ? TypedResults.Created($"/api/sites/{id}", response) : TypedResults.Ok(response);
    }

    private static async Task<IResult> AreaSitesAsync(IWattBitStore store, SiteGrids grids, ClaimsPrincipal user, string area, CancellationToken ct)
    {
        if (Problems.UnlessGridOperatorOf(user, area, "lists the sites connected there", out var a, out var c) is { } denied)
        {
            return denied;
        }

        var problems = new Problems();

        var all = await store.ListSitesAsync(ct).ConfigureAwait(false);
        await grids.CatchUpAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(all.Where(v => v.Value.Area.Code == a.Code && v.Value.Id.Value.Contains('/', StringComparison.Ordinal)).Select(v => ToResponse(v, grids)).ToList());
    }

    private static WorkloadResponse ToResponse(Versioned<BatchJob> v)
    {
        var j = v.Value;
        return new WorkloadResponse(Split(j.Id).Id, j.Release, j.Deadline, (int)j.Duration.TotalMinutes, j.Power.Kilowatts, j.Interruptible,
            j.Locations.Select(l => Split(l).Id).ToList(), v.Version, j.Kind);
    }

    private static async Task<IResult> ListJobsAsync(IWattBitStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return NotDcOperator();
        }

        var prefix = me.Operator + "/";
        var all = await store.ListJobsAsync(null, ct).ConfigureAwait(false);
        return TypedResults.Ok(all.Where(v => v.Value.Id.StartsWith(prefix, StringComparison.Ordinal)).Select(ToResponse).ToList());
    }

    private static async Task<IResult> GetJobAsync(IWattBitStore store, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return NotDcOperator();
        }

        return IsValidId(id) && await store.GetJobAsync(Scoped(me.Operator!, id), ct).ConfigureAwait(false) is { } v
            ? TypedResults.Ok(ToResponse(v))
            : Problems.NotFound("workload");
    }

    private static async Task<IResult> SubmitJobAsync(IWattBitStore store, EventHub events, PlanService plans, ClaimsPrincipal user, WorkloadRequest body, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return NotDcOperator();
        }

        var problems = new Problems();
        problems.Require(IsValidId(body.Id), "id", "A workload id has 1-64 letters, digits, '-', '_' or '.'.");
        problems.Require(body.Release < body.Deadline, "deadline", "deadline must be after release.");
        problems.Require(body.Deadline - body.Release <= TimeSpan.FromDays(366), "deadline", "A workload's window is at most 366 days.");
        problems.Require(body.DurationMinutes >= 1, "durationMinutes", "durationMinutes must be at least 1.");
        problems.Require(body.Release < body.Deadline && body.DurationMinutes <= (body.Deadline - body.Release).TotalMinutes, "durationMinutes",
            "durationMinutes must fit between release and deadline.");
        problems.Require(body.PowerKw is > 0 and <= 2_000_000, "powerKw", "powerKw must be above 0 and at most 2000000.");
        problems.Require(body.Kind is null or WorkloadKind.Batch or WorkloadKind.Training or WorkloadKind.Backup, "kind",
            "kind is batch, training or backup (inference is a service with hourly demand, not a workload with a window).");
        var sites = body.Sites ?? [];
        problems.Require(sites.Length <= MaxSitesPerJob, "sites", $"At most {MaxSitesPerJob} sites.");
        foreach (var s in sites.Take(MaxSitesPerJob))
        {
            if (s is null)
            {
                problems.Add("sites", "A sites entry must not be null.");
                continue;
            }

            // Only the caller's own sites exist for it; another operator's site id reads as unknown.
            if (!IsValidId(s) || await store.GetSiteAsync(new SiteId(Scoped(me.Operator!, s)), ct).ConfigureAwait(false) is null)
            {
                problems.Add("sites", $"Unknown site '{s}'.");
            }
        }

        if (problems.Any)
        {
            return problems.Result();
        }

        var job = new BatchJob(Scoped(me.Operator!, body.Id), body.Release, body.Deadline, TimeSpan.FromMinutes(body.DurationMinutes), Power.FromKilowatts(body.PowerKw),
            body.Interruptible, sites.Select(s => Scoped(me.Operator!, s)).ToList(), body.Kind ?? WorkloadKind.Batch);
        if (await store.GetJobAsync(job.Id, ct).ConfigureAwait(false) is not null)
        {
            return Problems.Conflict($"A workload '{body.Id}' already exists; cancel it first or use another id.");
        }

        var version = await store.SaveJobAsync(job, 0, ct).ConfigureAwait(false);
        await events.PublishAsync("workload", null, me.Operator, new { id = body.Id, state = "submitted" }).ConfigureAwait(false);
        plans.RequestReplan(me.Operator!);
        return TypedResults.Created($"/api/workloads/{body.Id}", ToResponse(new Versioned<BatchJob>(job, version)));
    }

    private static async Task<IResult> CancelJobAsync(IWattBitStore store, EventHub events, PlanService plans, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return NotDcOperator();
        }

        if (!IsValidId(id) || await store.GetJobAsync(Scoped(me.Operator!, id), ct).ConfigureAwait(false) is not { } v)
        {
            return Problems.NotFound("workload");
        }

        await store.DeleteJobAsync(v.Value.Id, v.Version, ct).ConfigureAwait(false);
        await events.PublishAsync("workload", null, me.Operator, new { id, state = "cancelled" }).ConfigureAwait(false);
        plans.RequestReplan(me.Operator!);
        return TypedResults.NoContent();
    }
}
