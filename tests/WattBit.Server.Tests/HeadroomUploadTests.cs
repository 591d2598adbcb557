namespace WattBit.Server.Tests;

/// <summary>Grid operators' uploads are checked against the headroom layer and laid over it for every face.</summary>
[Collection(ServerCollection.Name)]
public sealed class HeadroomUploadTests(TestServer server)
{
    [Fact]
    public async Task Upload_ForANodeTheLayerDoesNotHave_Is400NamingIt_AndNothingIsStored()
    {
        var body = new { start = "2025-11-10T00:00:00+09:00", stepMinutes = 60, values = new[] { 10.0 } };
        var problem = await (await server.Client("tso-tk").PutJsonAsync("/api/areas/TK/nodes/hu-nowhere/headroom", body)).ProblemAsync(400);
        Assert.Contains("'hu-nowhere' is not a node of the headroom layer in TK", problem.ToString(), StringComparison.Ordinal);
        await (await server.Client().GetAsync("/api/areas/TK/nodes/hu-nowhere/headroom")).ProblemAsync(404);

        // 函館's bus is a node of the layer, but in Hokkaido, not Tokyo.
        var hakodate = TestServer.UploadNodeOf("HKD:函館");
        await (await server.Client("tso-tk").PutJsonAsync($"/api/areas/TK/nodes/{hakodate}/headroom", body)).ProblemAsync(400);
    }

    [Fact]
    public async Task Substations_NameTheNodeToPublishUnder()
    {
        var json = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        var ueno = json.GetProperty("substations").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "TK:上野");
        Assert.Equal(TestServer.UploadNodeOf("TK:上野"), ueno.GetProperty("uploadNode").GetString());
    }
}
