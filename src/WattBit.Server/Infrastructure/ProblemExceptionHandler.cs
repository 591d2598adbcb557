using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using WattBit.Data.Storage;
using WattBit.Forecasting;
using WattBit.Time;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// Turns every exception into a ProblemDetails: malformed requests 400 (or Kestrel's own status such as 413), bad
/// arguments 400, version conflicts 409, too little history for a forecast 422, anything else 500 without internals.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                bad.InnerException is JsonException json ? JsonDetail(json) : BindDetail(bad.Message)),
            InsufficientHistoryException h => (StatusCodes.Status422UnprocessableEntity, "Not enough history", h.Message),
            StoreConcurrencyException c => (StatusCodes.Status409Conflict, "Conflict", c.Message),
            SeriesAlignmentException a => (StatusCodes.Status400BadRequest, "Bad request", a.Message),
            ArgumentException a => (StatusCodes.Status400BadRequest, "Bad request", Plain(a)),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client closed request", "The client went away."),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error", "The server failed; the error is logged."),
        };
        if (status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (httpContext.Response.HasStarted)
        {
            return true;
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }

    /// <summary>An argument error's own sentence, without .NET's "(Parameter 'x')" or "Actual value was" tails.</summary>
    internal static string Plain(ArgumentException a)
    {
        var text = a.Message;
        var cut = text.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0)
        {
            text = text[..cut];
        }

        cut = text.IndexOf(Environment.NewLine + "Actual value was", StringComparison.Ordinal);
        return cut >= 0 ? text[..cut] : text;
    }

    /// <summary>A parameter-binding failure named by its parameter, without the C# type ("Failed to bind parameter \"int? hours\" ...").</summary>
    internal static string BindDetail(string message)
    {
        var m = BindFailure().Match(message);
        if (m.Success)
        {
            return $"Parameter '{m.Groups["name"].Value}' has a value that is not valid here: '{m.Groups["value"].Value}'.";
        }

        m = RequiredMissing().Match(message);
        return m.Success ? $"Required parameter '{m.Groups["name"].Value}' is missing." : message;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"[^\"]*?(?<name>[A-Za-z0-9_]+)\" from \"(?<value>.*)\"\\.?$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex BindFailure();

    [System.Text.RegularExpressions.GeneratedRegex("^Required parameter \"[^\"]*?(?<name>[A-Za-z0-9_]+)\" was not provided", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex RequiredMissing();

    private static string JsonDetail(JsonException json) =>
        json is TimestampJsonException t ? $"{json.Path ?? "$"}: {t.Message.Split(" Path:", 2)[0]}."
        : json.Message.Contains("doesn't allow", StringComparison.Ordinal) && json.Message.Contains("null", StringComparison.Ordinal)
            ? $"Field {json.Path ?? "$"} must not be null."
        : json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? $"Unknown field at {json.Path}: the request has a field this endpoint does not accept."
            : json.Message.Contains("missing required properties", StringComparison.Ordinal)
                ? $"Missing required field(s): {json.Message[(json.Message.IndexOf("including:", StringComparison.Ordinal) + 10)..].Trim().TrimEnd('.')}."
                : $"Malformed JSON body at {json.Path ?? "$"} (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}).";

    [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
