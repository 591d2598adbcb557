using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WattBit.Cluster.Sites;

namespace WattBit.Cluster.Orders;

/// <summary>Durable state of an order grain.</summary>
[GenerateSerializer]
internal sealed class OrderGrainState
{
    [Id(0)] public OrderRequest? Request { get; set; }

    [Id(1)] public OrderStatus Status { get; set; }

    [Id(2)] public DateTimeOffset AcceptedAt { get; set; }

    [Id(3)] public int Deliveries { get; set; }

    [Id(4)] public ExecutionRecord? Execution { get; set; }

    [Id(5)] public bool? EffectiveMet { get; set; }

    [Id(6)] public DateTimeOffset? EndedAt { get; set; }

    [Id(7)] public List<DeadlineReport> Reports { get; set; } = [];

    /// <summary>The DC operator's acknowledgement, once forwarded.</summary>
    [Id(8)] public OrderAcknowledgement? Acknowledgement { get; set; }
}

/// <summary>
/// The order grain. Three reminders carry the order through silo deaths: <c>deliver</c> (retries delivery every
/// <see cref="ClusterSettings.ReminderPeriod"/> until the site has executed it), <c>effective</c> (checks the
/// reduction was in place at the effective time) and <c>end</c> (lifts the order at its expected end). Reminders live in
/// the reminder table, so when the silo holding an order dies another silo fires them; one that fires more than
/// <see cref="ClusterSettings.DeadlineGrace"/> late is reported.
/// </summary>
internal sealed partial class CurtailmentOrderGrain(
    [PersistentState("order", ClusterHosting.StorageName)] IPersistentState<OrderGrainState> state,
    TimeProvider time, IOptions<ClusterSettings> settings, ILogger<CurtailmentOrderGrain> logger) : Grain, ICurtailmentOrderGrain, IRemindable
{
    private const string Deliver = "deliver";
    private const string Effective = "effective";
    private const string End = "end";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // An order persisted by a silo that died before registering its reminders gets them here.
        if (state.State.Request is not null)
        {
            await EnsureRemindersAsync();
        }
    }

    public async Task<OrderReceipt> AcceptAsync(OrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var id = this.GetPrimaryKeyString();
        if (request.OrderId != id)
        {
            throw new ArgumentException($"order '{request.OrderId}' sent to the grain of order '{id}'.", nameof(request));
        }

        var s = state.State;
        if (s.Request is { } known)
        {
            if (known != request)
            {
                throw new ArgumentException($"order id '{id}' was already accepted for a different order (site {known.SiteId}, {known.ReductionMw} MW).", nameof(request));
            }

            await EnsureRemindersAsync();
            return new OrderReceipt(id, s.Status, s.AcceptedAt, AlreadyKnown: true);
        }

        state.State = new OrderGrainState { Request = request, Status = OrderStatus.Accepted, AcceptedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        await EnsureRemindersAsync();
        // Deliver at once, outside this call: the caller is answered as soon as the order is durable.
        _deliverSoon?.Dispose();
        _deliverSoon = this.RegisterGrainTimer(DeliverFromTimerAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        return new OrderReceipt(id, OrderStatus.Accepted, state.State.AcceptedAt, AlreadyKnown: false);
    }

    private IGrainTimer? _deliverSoon;

    private async Task DeliverFromTimerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The deliver reminder retries.
            LogDeliveryFailed(logger, state.State.Request?.OrderId ?? "?", e.Message);
        }
    }

    public async Task DeliverAsync()
    {
        var s = state.State;
        if (s.Request is not { } request || s.Status != OrderStatus.Accepted)
        {
            return;
        }

        s.Deliveries++;
        await GrainFactory.GetGrain<IAreaGrain>(request.Area).AddOrderAsync(request.OrderId);
        var execution = await GrainFactory.GetGrain<ISiteGrain>(request.SiteId).ExecuteAsync(request);
        s.Execution = execution;
        s.Status = OrderStatus.Executed;
        await state.WriteStateAsync();
        await UnregisterAsync(Deliver);
    }

    public async Task<OrderAcknowledgement?> AcknowledgeAsync(string acknowledgedBy, DateTimeOffset acknowledgedAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(acknowledgedBy);
        var s = state.State;
        if (s.Request is null)
        {
            return null;
        }

        if (s.Acknowledgement is { } first)
        {
            return first with { AlreadyKnown = true };
        }

        s.Acknowledgement = new OrderAcknowledgement(acknowledgedBy, acknowledgedAt, AlreadyKnown: false);
        await state.WriteStateAsync();
        return s.Acknowledgement;
    }

    public Task<OrderSnapshot> GetAsync()
    {
        var s = state.State;
        return Task.FromResult(new OrderSnapshot(s.Request, s.Status, s.AcceptedAt, s.Deliveries, s.Execution, s.EffectiveMet, s.EndedAt, [.. s.Reports],
            s.Acknowledgement));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Request is null)
        {
            await UnregisterAsync(reminderName);
            return;
        }

        switch (reminderName)
        {
            case Deliver:
                await DeliverAsync();
                break;
            case Effective:
                await CheckEffectiveAsync();
                break;
            case End:
                await EndAsync();
                break;
            default:
                await UnregisterAsync(reminderName);
                break;
        }
    }

    private async Task CheckEffectiveAsync()
    {
        var s = state.State;
        var request = s.Request!;
        if (s.EffectiveMet is not null)
        {
            await UnregisterAsync(Effective);
            return;
        }

        var now = time.GetUtcNow();
        if (s.Status == OrderStatus.Accepted)
        {
            await DeliverAsync();
        }

        var grace = settings.Value.DeadlineGrace;
        var executedAt = s.Execution?.ExecutedAt;
        s.EffectiveMet = executedAt is { } at && at <= request.EffectiveAt;
        if (executedAt is { } late && late > request.EffectiveAt)
        {
            s.Reports.Add(new DeadlineReport(DeadlineKind.Effective, request.EffectiveAt, late, $"executed {(late - request.EffectiveAt).TotalSeconds:0.###} s after the effective time"));
        }
        else if (now - request.EffectiveAt > grace)
        {
            s.Reports.Add(new DeadlineReport(DeadlineKind.Effective, request.EffectiveAt, now, $"effective time checked {(now - request.EffectiveAt).TotalSeconds:0.###} s late (no silo held the order)"));
        }

        await state.WriteStateAsync();
        await UnregisterAsync(Effective);
    }

    private async Task EndAsync()
    {
        var s = state.State;
        var request = s.Request!;
        if (s.Status == OrderStatus.Ended)
        {
            await UnregisterAsync(End);
            return;
        }

        if (s.EffectiveMet is null)
        {
            await CheckEffectiveAsync();
        }

        var now = time.GetUtcNow();
        await GrainFactory.GetGrain<ISiteGrain>(request.SiteId).LiftAsync(request.OrderId);
        s.Status = OrderStatus.Ended;
        s.EndedAt = now;
        if (now - request.ExpectedEndAt > settings.Value.DeadlineGrace)
        {
            s.Reports.Add(new DeadlineReport(DeadlineKind.End, request.ExpectedEndAt, now, $"lifted {(now - request.ExpectedEndAt).TotalSeconds:0.###} s after the expected end (no silo held the order)"));
        }

        await state.WriteStateAsync();
        LogEnded(logger, request.OrderId, s.Reports.Count);
        await UnregisterAsync(End);
        await UnregisterAsync(Effective);
        await UnregisterAsync(Deliver);
    }

    private async Task EnsureRemindersAsync()
    {
        var s = state.State;
        var request = s.Request!;
        var period = settings.Value.ReminderPeriod;
        var now = time.GetUtcNow();
        if (s.Status == OrderStatus.Accepted)
        {
            await EnsureAsync(Deliver, period);
        }

        if (s.EffectiveMet is null)
        {
            await EnsureAsync(Effective, Due(request.EffectiveAt, now));
        }

        if (s.Status != OrderStatus.Ended)
        {
            await EnsureAsync(End, Due(request.ExpectedEndAt, now));
        }

        async Task EnsureAsync(string name, TimeSpan due)
        {
            if (await this.GetReminder(name) is null)
            {
                await this.RegisterOrUpdateReminder(name, due, period);
            }
        }
    }

    private static TimeSpan Due(DateTimeOffset at, DateTimeOffset now) => at > now ? at - now : TimeSpan.FromMilliseconds(1);

    private async Task UnregisterAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(EventId = 9112, Level = LogLevel.Warning, Message = "Order {OrderId}: delivery failed ({Error}); the reminder retries.")]
    private static partial void LogDeliveryFailed(ILogger logger, string orderId, string error);

    [LoggerMessage(EventId = 9111, Level = LogLevel.Information, Message = "Order {OrderId} ended; {Reports} deadline report(s).")]
    private static partial void LogEnded(ILogger logger, string orderId, int reports);
}
