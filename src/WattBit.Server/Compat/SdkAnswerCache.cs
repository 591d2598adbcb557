using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace WattBit.Server.Compat;

/// <summary>
/// The drop-in's answers kept as the bytes sent (decision 0203): the SDK's data file is read once and never changes, so
/// a query whose answer does not follow the clock (its times given) gets the same answer every time. The first request of
/// a query computes and serialises it; every later one with the same path and query string is written from the kept
/// UTF-8 bytes, without selecting, sorting or serialising. Only 200 and 204 answers are kept; an answer over
/// <see cref="MaxAnswerBytes"/> is not, and nothing more is kept once <see cref="MaxTotalBytes"/> are held (so distinct
/// queries cannot grow the server without bound). Runs as an endpoint filter: authentication and the rate limit have run.
/// Thread-safe.
/// </summary>
internal sealed class SdkAnswerCache
{
    /// <summary>The largest answer kept (bytes).</summary>
    public const int MaxAnswerBytes = 256 * 1024;

    /// <summary>The most bytes kept for all answers together.</summary>
    public const long MaxTotalBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>How many answers are kept.</summary>
    public int Count => _answers.Count;

    /// <summary>
    /// An endpoint filter that answers from the cache when the request names every parameter in
    /// <paramref name="fixedBy"/> (otherwise its answer may follow the clock and is computed each time).
    /// </summary>
    public EndpointFilterDelegate Filter(EndpointFilterDelegate next, params string[] fixedBy) => async context =>
    {
        var request = context.HttpContext.Request;
        foreach (var name in fixedBy)
        {
            if (string.IsNullOrEmpty(request.Query[name]))
            {
                return await next(context).ConfigureAwait(false);
            }
        }

        var key = request.Path.Value + request.QueryString.Value;
        if (_answers.TryGetValue(key, out var kept))
        {
            return kept;
        }

        var result = await next(context).ConfigureAwait(false);
        Answer? answer = result switch
        {
            IStatusCodeHttpResult { StatusCode: StatusCodes.Status204NoContent } => new Answer(null),
            IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK } and IValueHttpResult { Value: { } value } =>
                new Answer(JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(),
                    context.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)),
            _ => null,
        };
        if (answer is null)
        {
            return result;
        }

        var size = answer.Body?.Length ?? 0;
        if (size <= MaxAnswerBytes && Interlocked.Add(ref _bytes, size) <= MaxTotalBytes)
        {
            if (!_answers.TryAdd(key, answer))
            {
                Interlocked.Add(ref _bytes, -size);
            }
        }
        else
        {
            Interlocked.Add(ref _bytes, -size);
        }

        return answer;
    };

    /// <summary>A kept answer: JSON bytes (200) or none (204).</summary>
    private sealed class Answer(byte[]? body) : IResult
    {
        public byte[]? Body => body;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            if (body is null)
            {
                response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }
}
