using System.Threading.Channels;
using WattBit.Server.Infrastructure;

namespace WattBit.Server.Events;

/// <summary>
/// In shared mode (a PostgreSQL store), listens for <see cref="EventHub.NotifyChannel"/> and delivers the events other
/// instances published to this instance's subscribers (catching up the shared stream after each notification, and
/// whenever the listen is re-established after a lost connection). Does nothing with the embedded store.
/// </summary>
internal sealed partial class SharedEventListener(EventHub hub, Journals journals, ILogger<SharedEventListener> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (journals.Notifications is not { } notifications || !hub.Shared)
        {
            return;
        }

        // Notifications only wake the loop; one catch-up reads everything new, however many arrived.
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        // This instance's own notifications are skipped: its append applied and delivered its events (and any it had
        // missed) already, so a catch-up would read nothing new (decision 0217: one catch-up round trip per publication
        // of either instance, on both, was the CPU two instances paid over one).
        var own = hub.NotifyPayload;
        var listen = Task.Run(() => notifications.ListenAsync(EventHub.NotifyChannel, payload =>
        {
            if (string.Equals(payload, own, StringComparison.Ordinal))
            {
                return;
            }

            journals.Activity.Notified();
            wake.Writer.TryWrite(true);
        }, () => wake.Writer.TryWrite(true), stoppingToken),
            stoppingToken);
        try
        {
            while (await wake.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                wake.Reader.TryRead(out _);
                try
                {
                    journals.Activity.CaughtUp();
                    await hub.CatchUpAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    CatchUpFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        try
        {
            await listen.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 7020, Level = LogLevel.Warning, Message = "Shared events: catching up failed; the next notification retries.")]
    private static partial void CatchUpFailed(ILogger logger, Exception e);
}
