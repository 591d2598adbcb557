using WattBit.Cluster.Orders;

namespace WattBit.Cluster.Tests;

/// <summary>Waiting on an order grain's state, polled because a grain has no change stream to wait on.</summary>
internal static class OrderWaits
{
    /// <summary>Reads the order until <paramref name="done"/> holds; fails after 30 s.</summary>
    public static async Task<OrderSnapshot> UntilAsync(ICurtailmentOrderGrain grain, Func<OrderSnapshot, bool> done)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var s = await grain.GetAsync();
            if (done(s))
            {
                return s;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cts.Token);
        }
    }
}
