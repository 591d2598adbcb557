using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Siting.Candidates;
using WattBit.Siting.Connection;
using WattBit.Siting.Facts;
using WattBit.Siting.Geo;
using WattBit.Siting.Layers;

namespace WattBit.Siting.Ranking;

/// <summary>
/// The raw layer values of a study: a candidates x criteria matrix, the two headroom figures, the headroom layer's offer
/// per candidate (null where tables were used or it has none), why a candidate has no headroom (or null), and each
/// layer's source.
/// </summary>
internal sealed record LayerValues(double[][] Raw, double[] NowMw, double[] PotentialMw, GridPower?[] Power, string?[] PowerGaps, Dictionary<string, string> Sources);

/// <summary>Fills every layer for every candidate: a user file where the config names one, else the documented default.</summary>
internal static class LayerBuilder
{
    public static LayerValues Build(SitingConfig config, IReadOnlyList<Candidate> candidates, JapanLocator locator, IReadOnlyDictionary<string, ValueTable>? supplied,
        IHeadroomLayer? grid)
    {
        var n = candidates.Count;
        var k = CriterionInfo.Count;
        var raw = new double[n][];
        for (var c = 0; c < n; c++)
        {
            raw[c] = new double[k];
            Array.Fill(raw[c], double.NaN);
        }

        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var (now, potential, power, gaps) = Headroom(config, candidates, locator, grid, sources);
        for (var c = 0; c < n; c++)
        {
            raw[c][(int)Criterion.Headroom] = config.ScreenBasis == HeadroomBasis.Now ? now[c] : potential[c];
        }

        var needed = new bool[k];
        for (var j = 0; j < k; j++)
        {
            needed[j] = config.Weights[j] > 0 || config.Constraints.Any(r => (int)r.Criterion == j);
        }

        foreach (var info in CriterionInfo.All)
        {
            if (info.Criterion == Criterion.Headroom)
            {
                continue;
            }

            var j = (int)info.Criterion;
            var table = config.LayerFiles.TryGetValue(info.Key, out var file) ? ReadLayer(file, info.Criterion)
                : supplied is not null && supplied.TryGetValue(info.Key, out var given) ? given
                : null;
            if (table is not null)
            {
                var values = Resolve(table, candidates, info.Key);
                for (var c = 0; c < n; c++)
                {
                    raw[c][j] = values[c];
                }

                sources[info.Key] = table.Describe();
                continue;
            }

            var (source, compute) = Default(info.Criterion, config);
            if (compute is null)
            {
                if (needed[j])
                {
                    throw new InputFormatException(config.Source, 0, 0,
                        $"criterion '{info.Key}' is weighted or constrained but has no default: give a file in layers.{info.Key}.");
                }

                continue;
            }

            for (var c = 0; c < n; c++)
            {
                raw[c][j] = compute(candidates[c]);
            }

            sources[info.Key] = source;
        }

        return new LayerValues(raw, now, potential, power, gaps, sources);
    }

    private static (string Source, Func<Candidate, double>? Compute) Default(Criterion criterion, SitingConfig config) => criterion switch
    {
        Criterion.RenewableSurplus => (DefaultLayers.CurtailedEnergyGwh.Describe(), c => Require(DefaultLayers.CurtailedEnergyGwh, c)),
        Criterion.Carbon => (DefaultLayers.CarbonIntensity.Describe(), c => Require(DefaultLayers.CarbonIntensity, c)),
        Criterion.Seismic => (DefaultLayers.SeismicExposure.Describe(), c => Require(DefaultLayers.SeismicExposure, c)),
        Criterion.IxDistance => ($"great-circle km to the nearest of {config.InternetExchanges.Count} IX locations",
            c => NamedPoint.Nearest(config.InternetExchanges, c.Location).DistanceKm),
        Criterion.LandingDistance => ($"great-circle km to the nearest of {config.Landings.Count} cable landings",
            c => NamedPoint.Nearest(config.Landings, c.Location).DistanceKm),
        Criterion.Latency => ($"APN model: route factor {config.Latency.RouteFactor} x great-circle, {config.Latency.MicrosecondsPerKm} us/km, {config.Latency.Regions.Count} weighted user regions",
            c => config.Latency.WeightedOneWayMs(c.Location)),
        Criterion.FreeCooling => ($"latitude model, hours <= {config.Cooling.ThresholdCelsius} degC", c => config.Cooling.Hours(c.Location.Latitude)),
        Criterion.ClusterDistance => ($"great-circle km to the nearest existing cluster ({string.Join(", ", config.Clusters.Select(p => p.Name))})",
            c => NamedPoint.Nearest(config.Clusters, c.Location).DistanceKm),
        Criterion.Subsidy => ("resilience fund DC rate by prefecture (1/2 outside the Tokyo and Osaka areas)",
            c => SubsidyRules.Assess(FacilityKind.DataCentre, c.Prefecture, c.Location).Rate),
        _ => ("", null),
    };

    /// <summary>A layer file: a value table, or for carbon and renewable surplus a signal file (timestamp,location,value).</summary>
    private static ValueTable ReadLayer(LayerSource source, Criterion? criterion)
    {
        var file = source.File;
        var csv = CsvTable.ReadFile(file);
        if (!string.Equals(csv.Header[0].Trim(), "timestamp", StringComparison.OrdinalIgnoreCase))
        {
            return ValueTable.Read(csv, source.KeyColumn, source.ValueColumns);
        }

        return criterion switch
        {
            Criterion.Carbon => SignalLayers.ReadFile(file, Signals.SignalKind.Carbon),
            Criterion.RenewableSurplus => SignalLayers.ReadFile(file, Signals.SignalKind.Curtailment),
            _ => throw new InputFormatException(file, 1, 1,
                $"a signal file (timestamp,location,value) can fill carbon or renewable_surplus, not '{(criterion is { } c ? CriterionInfo.Of(c).Key : "headroom")}': give a candidate|prefecture|area table."),
        };
    }

    private static double Require(ValueTable table, Candidate c) =>
        table.ValueFor(c) ?? throw new InputFormatException(table.Source, 0, 0, $"no value for {c} ({c.Prefecture.NameJa}, area {c.Area.Code}).");

    private static (double[] Now, double[] Potential, GridPower?[] Power, string?[] Gaps) Headroom(SitingConfig config, IReadOnlyList<Candidate> candidates,
        JapanLocator locator, IHeadroomLayer? grid, Dictionary<string, string> sources)
    {
        var n = candidates.Count;
        config.LayerFiles.TryGetValue("headroom_now", out var nowFile);
        config.LayerFiles.TryGetValue("headroom_potential", out var potentialFile);
        double[]? now = null, potential = null;
        if (nowFile is not null)
        {
            var t = ReadLayer(nowFile, null);
            now = Resolve(t, candidates, "headroom_now");
            sources["headroom_now"] = t.Describe();
        }

        if (potentialFile is not null)
        {
            var t = ReadLayer(potentialFile, null);
            potential = Resolve(t, candidates, "headroom_potential");
            sources["headroom_potential"] = t.Describe();
        }

        if (now is not null && potential is not null)
        {
            return (now, potential, new GridPower?[n], new string?[n]);
        }

        if (grid is null)
        {
            throw new InputFormatException(config.Source, 0, 0,
                "no headroom layer: run the study through a host that composes the grid headroom layer (wattbit site rank, the server), or give both layers.headroom_now and layers.headroom_potential (MW tables).");
        }

        var (power, gaps) = GridHeadroom.Assess(grid, candidates, locator, config);
        if (now is null)
        {
            now = [.. power.Select(p => p?.NowMw ?? double.NaN)];
            sources["headroom_now"] = GridHeadroom.Describe(grid, config, potential: false);
        }

        if (potential is null)
        {
            potential = [.. power.Select(p => p?.PotentialMw ?? double.NaN)];
            sources["headroom_potential"] = GridHeadroom.Describe(grid, config, potential: true);
        }

        return (now, potential, power, gaps);
    }

    private static double[] Resolve(ValueTable table, IReadOnlyList<Candidate> candidates, string layer)
    {
        var values = new double[candidates.Count];
        var missing = new List<string>();
        for (var c = 0; c < candidates.Count; c++)
        {
            var v = table.ValueFor(candidates[c]);
            if (v is null)
            {
                missing.Add(table.Key switch
                {
                    ValueKey.Prefecture => candidates[c].Prefecture.ToString(),
                    ValueKey.Area => candidates[c].Area.Code,
                    _ => candidates[c].Id,
                });
            }
            else
            {
                values[c] = v.Value;
            }
        }

        if (missing.Count > 0)
        {
            var distinct = missing.Distinct().ToList();
            var what = table.Key switch
            {
                ValueKey.Prefecture => "prefectures",
                ValueKey.Area => "areas",
                _ => "candidates",
            };
            throw new InputFormatException(table.Source, 0, 0,
                $"layer '{layer}' has no value for {distinct.Count} {what}: {string.Join(", ", distinct.Take(12))}{(distinct.Count > 12 ? $" and {distinct.Count - 12} more" : "")}.");
        }

        return values;
    }
}
