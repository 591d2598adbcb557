using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using WattBit.Server.Api;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// Instants in requests must carry a UTC offset (<c>Z</c> or <c>±hh:mm</c>): a time without one, or a date alone, would
/// be read in the server's local zone, so both are refused with a 400 that names the field. Bodies use
/// <see cref="OffsetRequiredConverter"/>; query parameters are checked by <see cref="RejectQueryTimesWithoutOffset"/>.
/// </summary>
internal static class Timestamps
{
    private static readonly ConcurrentDictionary<MethodInfo, string[]> s_queryTimes = new();

    /// <summary>
    /// Middleware (after routing): for the endpoint's <see cref="DateTimeOffset"/> query parameters, answers 400 when a value
    /// has no offset, before the endpoint binds it.
    /// </summary>
    public static async Task RejectQueryTimesWithoutOffset(HttpContext context, RequestDelegate next)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>();
        if (method is not null && context.Request.Query.Count > 0)
        {
            var names = s_queryTimes.GetOrAdd(method, QueryTimes);
            Problems? problems = null;
            foreach (var name in names)
            {
                foreach (var text in context.Request.Query[name])
                {
                    if (text is { Length: > 0 } && HasNoOffset(text))
                    {
                        (problems ??= new Problems()).Add(name, $"{name} has no UTC offset; write it like 2025-04-01T00:00:00Z or 2025-04-01T09:00:00%2B09:00.");
                    }
                }
            }

            if (problems is not null)
            {
                await problems.Result().ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>True when <paramref name="text"/> reads as a date or date-time but names no offset.</summary>
    internal static bool HasNoOffset(string text) =>
        DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _) && !LooksOffset(text);

    private static bool LooksOffset(string text)
    {
        var t = text.Trim();
        if (t.EndsWith('Z') || t.EndsWith('z'))
        {
            return true;
        }

        var tee = t.IndexOfAny(['T', 't', ' ']);
        if (tee < 0)
        {
            return false;
        }

        var time = t[(tee + 1)..];
        return time.Contains('+', StringComparison.Ordinal) || time.Contains('-', StringComparison.Ordinal);
    }

    private static string[] QueryTimes(MethodInfo method) =>
        [.. method.GetParameters()
            .Where(p => (p.ParameterType == typeof(DateTimeOffset) || p.ParameterType == typeof(DateTimeOffset?))
                && p.GetCustomAttribute<FromRouteAttribute>() is null && p.GetCustomAttribute<FromBodyAttribute>() is null)
            .Select(p => p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name!)];
}

/// <summary>Reads a JSON instant only when it carries an offset; writes the default ISO 8601 form.</summary>
internal sealed class OffsetRequiredConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException();
        }

        var text = reader.GetString()!;
        if (reader.TryGetDateTimeOffset(out var value) && !HasNoOffsetText(text))
        {
            return value;
        }

        throw new TimestampJsonException(HasNoOffsetText(text)
            ? "the timestamp has no UTC offset; write it like 2025-04-01T00:00:00Z or 2025-04-01T09:00:00+09:00"
            : "not an ISO 8601 timestamp like 2025-04-01T00:00:00+09:00");
    }

    private static bool HasNoOffsetText(string text) => Timestamps.HasNoOffset(text);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A body instant without an offset (or not an instant); the message says which and how to write it.</summary>
internal sealed class TimestampJsonException(string message) : JsonException(message);
