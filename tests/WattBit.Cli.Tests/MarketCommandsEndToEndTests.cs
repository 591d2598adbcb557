namespace WattBit.Cli.Tests;

/// <summary><c>wattbit market clear</c> run as a user runs it.</summary>
public sealed class MarketCommandsEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wattbit-cli-market-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // One area-hour: offers 5 MW at 10 and 5 MW at 20; bids 4 MW at 50 (divisible) and 4 MW at 25 (one block).
    // b25's block on o20 with b50 on o10 gives 20 + 160 = 180; better is b25's block on o10 (4 x 15 = 60) and b50 taking
    // o10's last MW (40) and 3 MW of o20 (3 x 30 = 90): 190. b9's value 5 is below every ask.
    private void Write()
    {
        File.WriteAllText(Path.Combine(_dir, "offers.csv"), """
            id,operator,site,area,start,end,mw,ask_yen_per_mwh,tags
            o10,kyden,fk1,KY,2030-05-01T10:00:00+09:00,2030-05-01T11:00:00+09:00,5,10,gpu
            o20,qdc,fk2,KY,2030-05-01T10:00:00+09:00,2030-05-01T11:00:00+09:00,5,20,gpu
            """);
        File.WriteAllText(Path.Combine(_dir, "bids.csv"), """
            id,operator,mw,hours,release,deadline,value_yen_per_mwh,areas,requires,divisible
            b50,tk,4,1,2030-05-01T10:00:00+09:00,2030-05-01T11:00:00+09:00,50,*,gpu,true
            b25,kn,4,1,2030-05-01T10:00:00+09:00,2030-05-01T11:00:00+09:00,25,KY,,false
            b9,kn,4,1,2030-05-01T10:00:00+09:00,2030-05-01T11:00:00+09:00,5,KY,,true
            """);
    }

    [Fact]
    public async Task MarketClear_WritesRowsWithinAskAndValue_AndPrintsWelfareAndReasons()
    {
        Write();

        var r = await WattbitProcess.RunAsync(_dir, "market", "clear", "--offers", "offers.csv", "--bids", "bids.csv", "--out", "r.csv",
            "--now", "2030-04-30T00:00:00+09:00");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("welfare 190 JPY", r.Out, StringComparison.Ordinal);
        Assert.Contains("b9: value 5 below every ask", r.Out, StringComparison.Ordinal);
        var rows = (await File.ReadAllLinesAsync(Path.Combine(_dir, "r.csv"))).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.InRange(double.Parse(row[6], System.Globalization.CultureInfo.InvariantCulture), 10, 50));
        Assert.Equal(["b25", "o10", "fk1", "KY", "2030-05-01T10:00:00+09:00", "4"], rows.Single(x => x[0] == "b25")[..6]);
    }

    [Fact]
    public async Task MarketClear_BadRow_NamesLineAndField_AndWritesNothing()
    {
        Write();
        File.AppendAllText(Path.Combine(_dir, "bids.csv"), "\nb7,kn,4,3,2030-05-01T10:00:00+09:00,2030-05-01T11:00:00+09:00,25,KY,,false\n");

        var r = await WattbitProcess.RunAsync(_dir, "market", "clear", "--offers", "offers.csv", "--bids", "bids.csv", "--out", "r.csv",
            "--now", "2030-04-30T00:00:00+09:00");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bids.csv", r.Error, StringComparison.Ordinal);
        Assert.Contains("bid 'b7' field 'hours'", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "r.csv")));
    }
}
