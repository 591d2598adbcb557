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
                bad.InnerException is JsonException json ? JsonDetail(json) : bad.Message),
            InsufficientHistoryException h => (StatusCodes.Status422UnprocessableEntity, "Not enough history", h.Message),
            StoreConcurrencyException c => (StatusCodes.Status409Conflict, "Conflict", c.Message),
            SeriesAlignmentException a => (StatusCodes.Status400BadRequest, "Bad request", a.Message),
            ArgumentException a => (StatusCodes.Status400BadRequest, "Bad request", a.Message),
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

    private static string JsonDetail(JsonException json) =>
        json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? $"Unknown field at {json.Path}: the request has a field this endpoint does not accept."
            : json.Message.Contains("missing required properties", StringComparison.Ordinal)
                ? $"Missing required field(s): {json.Message[(json.Message.IndexOf("including:", StringComparison.Ordinal) + 10)..].Trim().TrimEnd('.')}."
                : $"Malformed JSON body at {json.Path ?? "$"} (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}).";

    [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
