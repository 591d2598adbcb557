using Microsoft.Extensions.Options;
using WattBit.Time;

namespace WattBit.Server.Market;

/// <summary>
/// Runs the market's clearings by themselves when configured (<c>WattBit:Market:DayAheadAtJst</c>,
/// <c>WattBit:Market:Intraday</c>): the day-ahead clearing for the next JST day at that time of day, an intraday
/// clearing at every whole hour. A timer on the injected clock wakes at the next due time; a window that has already
/// cleared (a market operator ran it by hand, or the server restarted) is skipped, so each clearing runs once.
/// </summary>
internal sealed partial class MarketScheduler(MarketBook book, TimeProvider time, IOptions<ServerOptions> options, ILogger<MarketScheduler> logger) : IHostedService, IDisposable
{
    private readonly MarketOptions _options = options.Value.Market;
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;
    private DateTimeOffset _due;

    /// <summary>The next instant at which a scheduled clearing is due after <paramref name="now"/>, or null when none is scheduled.</summary>
    internal static DateTimeOffset? NextDue(MarketOptions o, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        var jst = now.ToOffset(Jst.Offset);
        if (o.Intraday)
        {
            next = new DateTimeOffset(jst.Year, jst.Month, jst.Day, jst.Hour, 0, 0, Jst.Offset).AddHours(1);
        }

        if (o.DayAheadAtJst is { } at)
        {
            var today = new DateTimeOffset(jst.Year, jst.Month, jst.Day, at.Hour, at.Minute, 0, Jst.Offset);
            var dayAhead = today > now ? today : today.AddDays(1);
            next = next is { } n && n < dayAhead ? n : dayAhead;
        }

        return next;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Arm(time.GetUtcNow());
        return Task.CompletedTask;
    }

    private void Arm(DateTimeOffset now)
    {
        if (NextDue(_options, now) is not { } due || _stop.IsCancellationRequested)
        {
            return;
        }

        _due = due;
        _timer?.Dispose();
        _timer = time.CreateTimer(_ => _ = RunAsync(), null, due - now, Timeout.InfiniteTimeSpan);
    }

    private async Task RunAsync()
    {
        var due = _due;
        try
        {
            var jst = due.ToOffset(Jst.Offset);
            if (_options.DayAheadAtJst is { } at && jst.Hour == at.Hour && jst.Minute == at.Minute)
            {
                await book.ClearAsync(MarketBook.Scheduler, ClearingKind.DayAhead, _stop.Token).ConfigureAwait(false);
            }

            if (_options.Intraday && jst.Minute == 0)
            {
                await book.ClearAsync(MarketBook.Scheduler, ClearingKind.Intraday, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(logger, e, due);
        }

        var now = time.GetUtcNow();
        Arm(now > due ? now : due);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning, Message = "The scheduled market clearing due at {Due} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, DateTimeOffset due);
}
