using WattBit.Testing;
using WattBit.Data.Storage;

namespace WattBit.Data.Tests.Storage;

/// <summary>The conformance suite against a real PostgreSQL server (one fresh database per test).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : StoreConformanceTests
{
    protected override async Task<IWattBitStore> OpenStoreAsync() =>
        await WattBitStore.OpenAsync("postgres:" + await server.CreateDatabaseAsync());

    [Fact]
    public async Task Open_TwoStoresOnOneDatabaseAtOnce_MigrateOnce()
    {
        var connection = await server.CreateDatabaseAsync();
        var opening = Enumerable.Range(0, 4).Select(_ => WattBitStore.OpenAsync("postgres:" + connection)).ToArray();
        var stores = await Task.WhenAll(opening);
        try
        {
            Assert.All(stores, s => Assert.Equal(stores[0].SchemaVersion, s.SchemaVersion));
            Assert.StartsWith("postgres:127.0.0.1:", stores[0].Description, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var s in stores)
            {
                await s.DisposeAsync();
            }
        }
    }
}
