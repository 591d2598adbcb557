using System.Security.Claims;

namespace WattBit.Server.Security;

/// <summary>The six roles and the claims that scope them.</summary>
internal static class Roles
{
    public const string GridOperator = "grid-operator";
    public const string DcOperator = "dc-operator";
    public const string Planner = "planner";
    public const string Viewer = "viewer";
    public const string MarketOperator = "market-operator";

    /// <summary>A demand-response aggregator (decision 0149): its id is in <see cref="OperatorClaim"/>; it addresses the sites DC operators contracted with it.</summary>
    public const string Aggregator = "aggregator";

    public const string AreaClaim = "wattbit:area";
    public const string OperatorClaim = "wattbit:operator";

    public static readonly string[] All = [GridOperator, DcOperator, Planner, Viewer, MarketOperator, Aggregator];

    /// <summary>Policy names used on endpoints.</summary>
    public const string AnyKey = "any-key";
    public const string PublicRead = "public-read";
}

/// <summary>Who is calling: the key id, role and scope, read from the authenticated principal.</summary>
internal sealed record Caller(string KeyId, string Role, string? Area, string? Operator)
{
    public bool IsGridOperatorOf(string areaCode) => Role == Roles.GridOperator && string.Equals(Area, areaCode, StringComparison.Ordinal);

    public bool IsDcOperator => Role == Roles.DcOperator && Operator is not null;

    public bool IsMarketOperator => Role == Roles.MarketOperator;

    /// <summary>An aggregator key (its id in <see cref="Operator"/>).</summary>
    public bool IsAggregator => Role == Roles.Aggregator && Operator is not null;

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        return new Caller(user.Identity.Name ?? "?", user.FindFirstValue(ClaimTypes.Role) ?? "",
            user.FindFirstValue(Roles.AreaClaim), user.FindFirstValue(Roles.OperatorClaim));
    }
}
