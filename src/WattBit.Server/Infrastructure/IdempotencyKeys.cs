using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using WattBit.Server.Api;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// <c>Idempotency-Key</c> on POST: the first answer (status below 500) to a key is journalled (beside the server's
/// journal, so it survives a restart) and a retry with the same key, caller and path gets that answer again, marked
/// <c>Idempotent-Replayed: true</c>, without running the request twice. A retry with another body is 422; one while the
/// first is still running is 409. A 5xx (such as a 503 when the cluster did not accept an order in time) is not kept, so
/// the retry runs again — and an order issued with a key has an id derived from it, so the retry reconciles with
/// whatever the first attempt left in the cluster instead of making a second order. With a PostgreSQL store the answers
/// live in its shared stream <c>idempotency</c>, and a request first claims its key there, so a retry sent to another
/// server instance while the first still runs is 409 there too (a claim older than <see cref="ClaimLifetime"/>, left by
/// an instance that stopped mid-request, no longer holds the key). Its journal calls are awaited: no thread waits while a
/// shared store answers (decision 0193). Thread-safe.
/// </summary>
internal sealed class IdempotencyKeys : IDisposable
{
    /// <summary>The request header.</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>Longest key accepted.</summary>
    public const int MaxKeyLength = 200;

    /// <summary>Largest response body kept for replay.</summary>
    private const int MaxBodyBytes = 1 << 20;

    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _running = new(StringComparer.Ordinal);
    private readonly IJournal<Answer> _journal;
    private readonly bool _shared;
    private readonly TimeProvider _time;

    /// <summary>How long a claim on a key (a request running on some instance) holds it in shared mode.</summary>
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(2);

    public IdempotencyKeys(Journals journals, TimeProvider time)
    {
        _time = time;
        _shared = journals.Shared;
        _journal = journals.Open<Answer>("idempotency", Apply);
    }

    /// <summary>
    /// A first answer as kept: its scope (caller, path, key), the request body's hash and what was sent back. In shared
    /// mode also a claim (<see cref="Status"/> <see cref="Claimed"/>, with <see cref="At"/>) while the first request runs,
    /// and a release (<see cref="Released"/>) when it answered 5xx.
    /// </summary>
    internal sealed record Answer(string Scope, string BodySha256, int Status, string? ContentType, string? Location, string Body, DateTimeOffset? At = null)
    {
        public const int Claimed = 0;
        public const int Released = -1;
    }

    private void Apply(Answer a)
    {
        if (a.Status == Answer.Released)
        {
            _answers.TryRemove(a.Scope, out _);
        }
        else
        {
            _answers[a.Scope] = a;
        }
    }

    /// <summary>The key of the request, or null (and no problem) when it has none; a problem when it is malformed.</summary>
    public static string? KeyOf(HttpContext context, out string? problem)
    {
        problem = null;
        if (!context.Request.Headers.TryGetValue(Header, out var values))
        {
            return null;
        }

        var key = values.Count == 1 ? values[0] : null;
        if (key is not { Length: > 0 and <= MaxKeyLength } || !key.All(c => c is >= '!' and <= '~'))
        {
            problem = $"{Header} is one value of 1-{MaxKeyLength} printable ASCII characters without spaces.";
            return null;
        }

        return key;
    }

    /// <summary>The id of an order issued by <paramref name="caller"/> with <paramref name="key"/>: the same for every retry.</summary>
    public static string OrderId(string caller, string key) =>
        "co-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caller + "\n" + key)))[..32];

    /// <summary>Middleware (after authentication): replays or records the answer of a POST that carries a key.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Headers.ContainsKey(Header))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var key = KeyOf(context, out var malformed);
        if (malformed is not null)
        {
            var problems = new Problems();
            problems.Add(Header, malformed);
            await problems.Result().ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var caller = context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name ?? "?" : "anonymous";
        var scope = caller + "\n" + context.Request.Path.Value + "\n" + key;
        context.Request.EnableBuffering();
        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false));
        context.Request.Body.Position = 0;

        await _journal.CatchUpAsync().ConfigureAwait(false);
        if (_answers.TryGetValue(scope, out var first) && first.Status != Answer.Claimed)
        {
            await ReplayAsync(context, first, hash).ConfigureAwait(false);
            return;
        }

        if (!_running.TryAdd(scope, hash))
        {
            await Problems.Conflict($"A request with this {Header} is still running; retry when it has answered.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var claimed = false;
        try
        {
            if (_shared)
            {
                var now = _time.GetUtcNow();
                claimed = await _journal.AppendAsync(() => _answers.TryGetValue(scope, out var a) && (a.Status != Answer.Claimed || a.At > now - ClaimLifetime)
                    ? null
                    : new Answer(scope, hash, Answer.Claimed, null, null, "", now)).ConfigureAwait(false) is not null;
                if (!claimed)
                {
                    if (_answers.TryGetValue(scope, out var answered) && answered.Status != Answer.Claimed)
                    {
                        await ReplayAsync(context, answered, hash).ConfigureAwait(false);
                    }
                    else
                    {
                        await Problems.Conflict($"A request with this {Header} is still running; retry when it has answered.").ExecuteAsync(context).ConfigureAwait(false);
                    }

                    return;
                }
            }

            var original = context.Response.Body;
            using var copy = new MemoryStream();
            context.Response.Body = copy;
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                context.Response.Body = original;
            }

            var status = context.Response.StatusCode;
            if (status < 500 && copy.Length <= MaxBodyBytes)
            {
                var answer = new Answer(scope, hash, status, context.Response.ContentType, context.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null,
                    Convert.ToBase64String(copy.GetBuffer(), 0, (int)copy.Length));
                await _journal.AppendAsync(answer).ConfigureAwait(false);
                claimed = false;
            }

            copy.Position = 0;
            await copy.CopyToAsync(original, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            if (claimed)
            {
                await _journal.AppendAsync(new Answer(scope, hash, Answer.Released, null, null, "")).ConfigureAwait(false);
            }

            _running.TryRemove(scope, out _);
        }
    }

    private static async Task ReplayAsync(HttpContext context, Answer first, string hash)
    {
        if (!string.Equals(first.BodySha256, hash, StringComparison.Ordinal))
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused",
                detail: $"This {Header} was used with another request body; use a new key for a new request.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = first.Status;
        context.Response.ContentType = first.ContentType;
        if (first.Location is not null)
        {
            context.Response.Headers.Location = first.Location;
        }

        context.Response.Headers["Idempotent-Replayed"] = "true";
        var body = Convert.FromBase64String(first.Body);
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Closes the journal.</summary>
    /// <summary>What opening the journal recovered (a torn tail cut off), or null.</summary>
    internal string? JournalRecovery => _journal.Recovery;

    public void Dispose() => _journal.Dispose();
}
