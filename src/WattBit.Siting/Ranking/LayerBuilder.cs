using WattBit.Formats;
using WattBit.Siting.Candidates;
using WattBit.Siting.Connection;
using WattBit.Siting.Facts;
using WattBit.Siting.Geo;
using WattBit.Siting.Layers;

namespace WattBit.Siting.Ranking;

/// <summary>The raw layer values of a study: a candidates x criteria matrix, the two headroom figures, and each layer's source.</summary>
internal sealed record LayerValues(double[][] Raw, double[] NowMw, double[] PotentialMw, Dictionary<string, string> Sources);

/// <summary>Fills every layer for every candidate: a user file where the config names one, else the documented default.</summary>
internal static class LayerBuilder
{
    public static LayerValues Build(SitingConfig config, IReadOnlyList<Candidate> candidates, JapanLocator locator, IReadOnlyDictionary<string, ValueTable>? supplied)
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
        var (now, potential) = Headroom(config, candidates, locator, sources);
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

        return new LayerValues(raw, now, potential, sources);
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

    private static (double[] Now, double[] Potential) Headroom(SitingConfig config, IReadOnlyList<Candidate> candidates, JapanLocator locator, Dictionary<string, string> sources)
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
            return (now, potential);
        }

        var substationFile = config.PowerDefault.Substations
            ?? (config.Candidates.Kind == CandidateKind.Substation ? config.Candidates.File : null);
        if (substationFile is null)
        {
            // Only one table given: the other headroom is taken equal to it, and said so.
            if (now is not null || potential is not null)
            {
                var only = now ?? potential!;
                sources[now is null ? "headroom_now" : "headroom_potential"] = "same as the other headroom table (none given)";
                return (only, only);
            }

            throw new InputFormatException(config.Source, 0, 0,
                "no headroom layer: give layers.headroom_now / layers.headroom_potential (MW tables) or power_default.substations (GeoJSON) for the coarse default.");
        }

        var p = config.PowerDefault;
        var proxy = new SubstationPowerProxy(CandidateSources.Substations(substationFile, locator), p.NowMwPer275Kv, p.NowMwPer500Kv, p.N1Share, p.RadiusKm);
        var proxyNow = new double[n];
        var proxyPotential = new double[n];
        for (var c = 0; c < n; c++)
        {
            proxyNow[c] = proxy.NowMw(candidates[c]).Mw;
            proxyPotential[c] = proxyNow[c] * (1 + p.N1Share);
        }

        var scope = config.Candidates.Kind == CandidateKind.Prefecture ? "substations in the prefecture" : $"substations within {p.RadiusKm} km";
        var basis = $"substation proxy over {proxy.Substations.Count} substations >= 275 kV ({scope}; {p.NowMwPer275Kv} MW per 275 kV, {p.NowMwPer500Kv} MW per 500 kV";
        if (now is null)
        {
            now = proxyNow;
            sources["headroom_now"] = basis + ")";
        }

        if (potential is null)
        {
            potential = proxyPotential;
            sources["headroom_potential"] = basis + $", plus N-1 share {p.N1Share})";
        }

        return (now, potential);
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
