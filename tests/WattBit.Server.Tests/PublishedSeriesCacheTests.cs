using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using WattBit.Data.Storage;
using WattBit.Server.Signals;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>
/// The published-series read cache forgets what a write changed and nothing else (decision 0219): reads of the written
/// series whose window overlaps the write, and its extent; reads of other windows and other series stay; a read that was
/// in flight during a write is not kept. Checked by counting the reads that reach a fake store.
/// </summary>
public sealed class PublishedSeriesCacheTests
{
    private static readonly DateTimeOffset Jan = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Feb = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Mar = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SeriesKey Carbon = new("TK", "carbon", SignalCatalog.PublishedSource);
    private static readonly SeriesKey Price = new("TK", "price", SignalCatalog.PublishedSource);
    private static readonly TimeWindow January = new(Jan, Feb);
    private static readonly TimeWindow February = new(Feb, Mar);

    [Fact]
    public async Task AWriteToAnotherWindowOfTheSeries_KeepsTheCachedRead_AndDropsTheExtent()
    {
        var store = new CountingStore();
        var cache = new PublishedSeriesCache(store, TimeProvider.System, TimeSpan.FromHours(1));
        Assert.Equal(1, await ValueAsync(cache, Carbon, January));
        await cache.InfoAsync(Carbon, default);
        Assert.Equal((1, 1), (store.Reads, store.Infos));

        store.Value = 2; // the write lands in February only: January's answer is unchanged
        cache.Invalidate(Carbon, February);

        Assert.Equal(1, await ValueAsync(cache, Carbon, January));
        Assert.Equal(1, store.Reads);
        await cache.InfoAsync(Carbon, default);
        Assert.Equal(2, store.Infos);

        // And it stays carried over a second write elsewhere.
        cache.Invalidate(Carbon, new TimeWindow(Mar, Mar.AddDays(1)));
        Assert.Equal(1, await ValueAsync(cache, Carbon, January));
        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task AWriteOverlappingTheWindow_IsReadFromTheStore()
    {
        var store = new CountingStore();
        var cache = new PublishedSeriesCache(store, TimeProvider.System, TimeSpan.FromHours(1));
        Assert.Equal(1, await ValueAsync(cache, Carbon, January));

        store.Value = 2;
        cache.Invalidate(Carbon, new TimeWindow(Feb.AddHours(-1), Feb.AddHours(1))); // its last hour is in January

        Assert.Equal(2, await ValueAsync(cache, Carbon, January));
        Assert.Equal(2, store.Reads);
        Assert.Equal(2, await ValueAsync(cache, Carbon, January));
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public async Task AWriteEndingWhereTheWindowStarts_DoesNotOverlapIt()
    {
        var store = new CountingStore();
        var cache = new PublishedSeriesCache(store, TimeProvider.System, TimeSpan.FromHours(1));
        await ValueAsync(cache, Carbon, February);
        cache.Invalidate(Carbon, January); // [Jan, Feb) and [Feb, Mar) share no instant
        await ValueAsync(cache, Carbon, February);
        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task AWriteToAnotherSeries_KeepsTheCachedRead()
    {
        var store = new CountingStore();
        var cache = new PublishedSeriesCache(store, TimeProvider.System, TimeSpan.FromHours(1));
        await ValueAsync(cache, Carbon, January);
        await cache.InfoAsync(Carbon, default);

        cache.Invalidate(Price, January);

        await ValueAsync(cache, Carbon, January);
        await cache.InfoAsync(Carbon, default);
        Assert.Equal((1, 1), (store.Reads, store.Infos));
    }

    [Fact]
    public async Task AReadInFlightDuringAWriteToItsSeries_IsNotKept()
    {
        var store = new CountingStore { Gate = new TaskCompletionSource() };
        var cache = new PublishedSeriesCache(store, TimeProvider.System, TimeSpan.FromHours(1));
        var reading = ValueAsync(cache, Carbon, January);

        // The write may have committed before the read reached the store or after it: whatever the window, the read is
        // answered but not kept.
        cache.Invalidate(Carbon, February);
        store.Gate.SetResult();
        Assert.Equal(1, await reading);

        store.Gate = null;
        store.Value = 3;
        Assert.Equal(3, await ValueAsync(cache, Carbon, January));
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public async Task TheWholeInvalidation_ForgetsEveryRead()
    {
        var store = new CountingStore();
        var cache = new PublishedSeriesCache(store, TimeProvider.System, TimeSpan.FromHours(1));
        await ValueAsync(cache, Carbon, January);
        await ValueAsync(cache, Price, January);

        cache.Invalidate();

        await ValueAsync(cache, Carbon, January);
        await ValueAsync(cache, Price, January);
        Assert.Equal(4, store.Reads);
    }

    [Fact]
    public async Task AnEntryPastHalfItsAge_IsServedAndReadAgainBehind_SoNoReaderWaitsWhenItWouldExpire()
    {
        var time = new FakeTimeProvider(Jan);
        var store = new CountingStore();
        var cache = new PublishedSeriesCache(store, time, TimeSpan.FromSeconds(10));
        Assert.Equal(1, await ValueAsync(cache, Carbon, January));

        time.Advance(TimeSpan.FromSeconds(4)); // younger than half its age: served, nothing read
        store.Value = 2;
        Assert.Equal(1, await ValueAsync(cache, Carbon, January));
        Assert.Equal(1, store.Reads);

        // Past half its age: this reader still gets the kept value at once, gated store or not, and a read starts behind it.
        time.Advance(TimeSpan.FromSeconds(2));
        store.Gate = new TaskCompletionSource();
        var refreshed = Refreshed(cache, Carbon, January, 2);
        Assert.Equal(1, await ValueAsync(cache, Carbon, January));
        Assert.Equal(1, await ValueAsync(cache, Carbon, January));
        store.Gate.SetResult();
        await refreshed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, store.Reads); // one refresh, shared by both hits

        // The refreshed entry is young again: at 10 s past the first read (4 s after the refresh) it is served, not expired.
        store.Gate = null;
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(2, await ValueAsync(cache, Carbon, January));
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public async Task AnEntryNeverServedPastItsAge_EvenWithoutReadersInBetween()
    {
        var time = new FakeTimeProvider(Jan);
        var store = new CountingStore();
        var cache = new PublishedSeriesCache(store, time, TimeSpan.FromSeconds(10));
        await ValueAsync(cache, Carbon, January);
        store.Value = 5;
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(5, await ValueAsync(cache, Carbon, January)); // expired: read by this reader, not served stale
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public void WrittenWindow_ReadsTheEventsOwnFields_OrSaysItCannot()
    {
        var start = new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
        var local = new { area = "TK", metric = "carbon", start, end = start.AddHours(2) };
        var shared = JsonSerializer.SerializeToElement(local);
        foreach (var data in new object[] { local, shared })
        {
            var w = ServerHost.WrittenWindow(data, "metric");
            Assert.NotNull(w);
            Assert.Equal("carbon", w.Value.Name);
            Assert.Equal(new TimeWindow(start, start.AddHours(2)), w.Value.Window);
        }

        Assert.Null(ServerHost.WrittenWindow(new { area = "TK", metric = "carbon" }, "metric"));
        Assert.Null(ServerHost.WrittenWindow(new { area = "TK", node = "N1", start, end = start.AddHours(1) }, "metric"));
        Assert.Equal("N1", ServerHost.WrittenWindow(new { area = "TK", node = "N1", start, end = start.AddHours(1) }, "node")?.Name);
    }

    /// <summary>Completes once the cache serves <paramref name="value"/> for the window without a new store read being needed.</summary>
    private static async Task Refreshed(PublishedSeriesCache cache, SeriesKey key, TimeWindow window, double value)
    {
        while ((await cache.ReadAsync(key, window, default))!.Values[0] != value)
        {
            await Task.Yield();
        }
    }

    private static async Task<double> ValueAsync(PublishedSeriesCache cache, SeriesKey key, TimeWindow window) =>
        (await cache.ReadAsync(key, window, default))!.Values[0];

    /// <summary>A store that answers every read with a one-value series of <see cref="Value"/> and counts the reads.</summary>
    private sealed class CountingStore : ISeriesStore
    {
        private int _reads;
        private int _infos;

        public double Value { get; set; } = 1;

        public TaskCompletionSource? Gate { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public int Infos => Volatile.Read(ref _infos);

        public async Task<TimeSeries?> ReadSeriesAsync(SeriesKey key, TimeWindow window, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            var value = Value;
            if (Gate is { } gate)
            {
                await gate.Task;
            }

            return TimeSeries.Wrap(window.Start, TimeSpan.FromMinutes(30), [value], SeriesUnit.GramsPerKilowattHour);
        }

        public Task<SeriesInfo?> GetSeriesInfoAsync(SeriesKey key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _infos);
            return Task.FromResult<SeriesInfo?>(new SeriesInfo(key, SeriesUnit.GramsPerKilowattHour, TimeSpan.FromMinutes(30), Jan, Mar, 1));
        }

        public Task<ImportResult> ImportAsync(ImportRecord record, IReadOnlyList<SeriesWrite> series, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> UpsertSeriesAsync(IReadOnlyList<SeriesWrite> series, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<long>> UpsertSeriesGroupsAsync(IReadOnlyList<IReadOnlyList<SeriesWrite>> groups, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImportRecord?> FindImportAsync(string sha256, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<ImportRecord>> ListImportsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
