using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using WattBit.Server.Api;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// Rejects query parameters an endpoint does not declare (400), so a misspelt <c>form=</c> is an error rather than a
/// silently ignored filter. Not used on the Carbon Aware SDK routes, which, like the SDK, ignore unknown parameters.
/// </summary>
internal static class StrictQuery
{
    public static TBuilder RejectUnknownQueryParameters<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var allowed = factory.MethodInfo.GetParameters()
                .Select(p => (p, attr: p.GetCustomAttribute<FromQueryAttribute>()))
                .Where(x => x.attr is not null)
                .Select(x => x.attr!.Name ?? x.p.Name!)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            return context =>
            {
                var problems = new Problems();
                foreach (var key in context.HttpContext.Request.Query.Keys)
                {
                    if (!allowed.Contains(key))
                    {
                        problems.Add(key, allowed.Count == 0
                            ? $"Unknown query parameter '{key}'; this endpoint takes none."
                            : $"Unknown query parameter '{key}'; this endpoint takes {string.Join(", ", allowed)}.");
                    }
                }

                return problems.Any ? ValueTask.FromResult<object?>(problems.Result()) : next(context);
            };
        });
        return builder;
    }
}
