using System.Globalization;
using Microsoft.Extensions.Configuration;
using WattBit.Server.Compat;

namespace WattBit.Server.Tests;

/// <summary>The drop-in's indexed selection gives exactly what a scan of the whole file gives, in file order.</summary>
public sealed class CarbonAwareSdkSelectTests
{
    [Fact]
    public void Select_MatchesABruteForceScan_OnAFileOfMixedDurationsOffsetsAndOrder()
    {
        var random = new Random(7);
        var locations = new[] { "eastus", "westus", "EastUS", "tokyo" };
        var t0 = new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var points = Enumerable.Range(0, 400).Select(_ => (
            Location: locations[random.Next(locations.Length)],
            Time: t0.AddMinutes(5 * random.Next(0, 600)).ToOffset(TimeSpan.FromHours(random.Next(2) * 9)),
            Rating: random.Next(0, 50),
            Duration: TimeSpan.FromMinutes(5 * random.Next(0, 30)))).ToList();
        var folder = Directory.CreateTempSubdirectory("wattbit-sdk-select-").FullName;
        try
        {
            var file = Path.Combine(folder, "emissions.json");
            File.WriteAllText(file, "{\"Emissions\": [" + string.Join(",", points.Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{{\"Location\": \"{p.Location}\", \"Time\": \"{p.Time:yyyy-MM-ddTHH:mm:sszzz}\", \"Rating\": {p.Rating}, \"Duration\": \"{p.Duration:hh\\:mm\\:ss}\"}}"))) + "]}");
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DataSources:EmissionsDataSource"] = "Json",
                ["DataSources:Configurations:Json:DataFileLocation"] = file,
            }).Build();
            var data = CarbonAwareSdkData.Load(config, folder)!;
            for (var q = 0; q < 200; q++)
            {
                var names = new HashSet<string>(locations.Where(_ => random.Next(2) == 0), StringComparer.Ordinal) { "nowhere" };
                var start = t0.AddMinutes(random.Next(-60, 3100));
                var end = start.AddMinutes(random.Next(0, 600));
                var scan = points.Select((p, i) => (p, i)).Where(x => names.Contains(x.p.Location) && x.p.Time + x.p.Duration > start && x.p.Time <= end)
                    .Select(x => (x.p.Location, x.p.Time, (double)x.p.Rating, x.p.Duration)).ToList();
                Assert.Equal(scan, data.Select(names, start, end).ConvertAll(e => (e.Location, e.Time, e.Rating, e.Duration)));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
