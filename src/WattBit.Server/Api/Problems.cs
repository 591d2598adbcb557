using System.Security.Claims;
using WattBit.Areas;
using WattBit.Server.Security;

namespace WattBit.Server.Api;

/// <summary>Validation errors collected per parameter, turned into one RFC 9457 ValidationProblemDetails (400).</summary>
internal sealed class Problems
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            Add(field, message);
        }
    }

    public GridArea? Area(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            Add(field, $"{field} is not set.");
            return null;
        }

        if (!JapanAreas.TryFind(text, out var area))
        {
            Add(field, $"Unknown location '{text}'; use one of the ten areas: {string.Join(", ", JapanAreas.All.Select(a => a.Code))} (names and Japanese names work too).");
        }

        return area;
    }

    /// <summary>
    /// Resolves <paramref name="areaText"/> and checks the caller is that area's grid operator: null when so, else the
    /// answer to give (400 for an unknown area, 403 otherwise).
    /// </summary>
    public static IResult? UnlessGridOperatorOf(ClaimsPrincipal user, string areaText, string doing, out GridArea area, out Caller caller)
    {
        var problems = new Problems();
        area = problems.Area(areaText, "area")!;
        caller = Caller.From(user)!;
        if (problems.Any)
        {
            return problems.Result();
        }

        return caller is not null && caller.IsGridOperatorOf(area.Code) ? null : Forbidden($"Only the grid operator of {area.Code} {doing}.");
    }

    public IResult Result() => TypedResults.ValidationProblem(_errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()),
        title: "One or more validation errors occurred.");

    /// <summary>A 404 that says only that nothing is there for this caller (never whether it exists for someone else).</summary>
    public static IResult NotFound(string what) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} with that id.");

    public static IResult Forbidden(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static IResult Conflict(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Unavailable(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable", detail: detail);
}
