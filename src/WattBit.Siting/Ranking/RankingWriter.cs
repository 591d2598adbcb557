using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WattBit.Siting.Ranking;

/// <summary>Writes a study's result as CSV and as GeoJSON (points with the same properties). Stateless and thread-safe.</summary>
public static class RankingWriter
{
    /// <summary>
    /// The CSV: <c>rank,id,name,prefecture,prefecture_ja,area,lat,lon,score,rank_min,rank_median,rank_max,top_share,
    /// headroom_now_mw,headroom_potential_mw,&lt;criterion&gt;...,&lt;criterion&gt;_norm...,excluded</c>; ranked rows first.
    /// Excluded rows have an empty rank and score.
    /// </summary>
    public static string Csv(SitingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        sb.Append("rank,id,name,prefecture,prefecture_ja,area,lat,lon,score,rank_min,rank_median,rank_max,top_share,headroom_now_mw,headroom_potential_mw");
        foreach (var i in CriterionInfo.All)
        {
            sb.Append(',').Append(i.Key);
        }

        foreach (var i in CriterionInfo.All)
        {
            sb.Append(',').Append(i.Key).Append("_norm");
        }

        sb.Append(",excluded\n");
        foreach (var r in result.Candidates)
        {
            var c = r.Candidate;
            sb.Append(r.Rank > 0 ? r.Rank.ToString(CultureInfo.InvariantCulture) : "").Append(',')
              .Append(WattBit.Formats.Csv.Escape(c.Id)).Append(',').Append(WattBit.Formats.Csv.Escape(c.Name)).Append(',')
              .Append(WattBit.Formats.Csv.Escape(c.Prefecture.NameEn)).Append(',').Append(WattBit.Formats.Csv.Escape(c.Prefecture.NameJa)).Append(',')
              .Append(c.Area.Code).Append(',')
              .Append(F(c.Location.Latitude, "0.######")).Append(',').Append(F(c.Location.Longitude, "0.######")).Append(',')
              .Append(F(r.Score, "0.####")).Append(',')
              .Append(r.Range is { } g ? $"{g.MinRank},{g.MedianRank},{g.MaxRank},{F(g.TopShare, "0.###")}" : ",,,").Append(',')
              .Append(F(r.HeadroomNowMw, "0.#")).Append(',').Append(F(r.HeadroomPotentialMw, "0.#"));
            foreach (var v in r.Raw)
            {
                sb.Append(',').Append(F(v, "0.###"));
            }

            foreach (var v in r.Normalised)
            {
                sb.Append(',').Append(F(v, "0.####"));
            }

            sb.Append(',').Append(WattBit.Formats.Csv.Escape(r.Excluded ?? "")).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>A GeoJSON FeatureCollection of points, one per candidate, with rank, score, rank range, raw layer values and exclusion reason.</summary>
    public static string GeoJson(SitingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteString("name", result.Config.Name);
            w.WriteStartArray("features");
            foreach (var r in result.Candidates)
            {
                var c = r.Candidate;
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteStartObject("geometry");
                w.WriteString("type", "Point");
                w.WriteStartArray("coordinates");
                w.WriteNumberValue(Math.Round(c.Location.Longitude, 6));
                w.WriteNumberValue(Math.Round(c.Location.Latitude, 6));
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteStartObject("properties");
                w.WriteString("id", c.Id);
                w.WriteString("name", c.Name);
                w.WriteString("prefecture", c.Prefecture.NameEn);
                w.WriteString("prefecture_ja", c.Prefecture.NameJa);
                w.WriteString("area", c.Area.Code);
                if (r.Excluded is null)
                {
                    w.WriteNumber("rank", r.Rank);
                    w.WriteNumber("score", Math.Round(r.Score, 4));
                    if (r.Range is { } g)
                    {
                        w.WriteNumber("rank_min", g.MinRank);
                        w.WriteNumber("rank_max", g.MaxRank);
                        w.WriteNumber("top_share", Math.Round(g.TopShare, 3));
                    }
                }
                else
                {
                    w.WriteString("excluded", r.Excluded);
                }

                w.WriteNumber("headroom_now_mw", Math.Round(r.HeadroomNowMw, 1));
                w.WriteNumber("headroom_potential_mw", Math.Round(r.HeadroomPotentialMw, 1));
                foreach (var i in CriterionInfo.All)
                {
                    var v = r.Raw[(int)i.Criterion];
                    if (!double.IsNaN(v))
                    {
                        w.WriteNumber(i.Key, Math.Round(v, 3));
                    }
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string F(double v, string format) => double.IsNaN(v) ? "" : v.ToString(format, CultureInfo.InvariantCulture);
}
