using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WattBit.Headroom;

namespace WattBit.Siting.Ranking;

/// <summary>Writes a study's result as CSV and as GeoJSON (points with the same properties). Stateless and thread-safe.</summary>
public static class RankingWriter
{
    /// <summary>
    /// The CSV: <c>rank,id,name,prefecture,prefecture_ja,area,lat,lon,score,rank_min,rank_median,rank_max,top_share,
    /// headroom_now_mw,headroom_potential_mw,substation,substation_name,substation_km,firm_mw,curtailable_extra_mw,hours_with_room,hours,
    /// limiting_line,welcome_zone,headroom_source,&lt;criterion&gt;...,&lt;criterion&gt;_norm...,excluded</c>; ranked rows first.
    /// Excluded rows have an empty rank and score; the substation columns are empty when tables replaced the headroom layer.
    /// </summary>
    public static string Csv(SitingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        sb.Append("rank,id,name,prefecture,prefecture_ja,area,lat,lon,score,rank_min,rank_median,rank_max,top_share,headroom_now_mw,headroom_potential_mw,"
            + "substation,substation_name,substation_km,firm_mw,curtailable_extra_mw,hours_with_room,hours,limiting_line,welcome_zone,headroom_source");
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
            if (r.Power is { } p)
            {
                var o = p.Offer;
                sb.Append(',').Append(WattBit.Formats.Csv.Escape(p.Substation.Id)).Append(',').Append(WattBit.Formats.Csv.Escape(p.Substation.Name)).Append(',')
                  .Append(F(p.DistanceKm, "0.#")).Append(',').Append(F(o.FirmMw, "0.#")).Append(',').Append(F(o.CurtailableExtraMw, "0.#")).Append(',')
                  .Append(o.HoursWithRoom.ToString(CultureInfo.InvariantCulture)).Append(',').Append(o.Hours.ToString(CultureInfo.InvariantCulture)).Append(',')
                  .Append(WattBit.Formats.Csv.Escape(o.LimitingLine ?? "")).Append(',').Append(WelcomeZoneRule.Name(o.Zone)).Append(',')
                  .Append(Source(o.Source));
            }
            else
            {
                sb.Append(",,,,,,,,,");
            }

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

                Number(w, "headroom_now_mw", r.HeadroomNowMw);
                Number(w, "headroom_potential_mw", r.HeadroomPotentialMw);
                if (r.Power is { } p)
                {
                    var o = p.Offer;
                    w.WriteString("substation", p.Substation.Id);
                    w.WriteString("substation_name", p.Substation.Name);
                    w.WriteNumber("substation_km", Math.Round(p.DistanceKm, 1));
                    Number(w, "firm_mw", o.FirmMw);
                    Number(w, "curtailable_extra_mw", o.CurtailableExtraMw);
                    w.WriteNumber("hours_with_room", o.HoursWithRoom);
                    w.WriteNumber("hours", o.Hours);
                    if (o.LimitingLine is { } line)
                    {
                        w.WriteString("limiting_line", line);
                    }

                    w.WriteString("welcome_zone", WelcomeZoneRule.Name(o.Zone));
                    w.WriteString("headroom_source", Source(o.Source));
                }
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

    /// <summary>The source name used by every face: model or tso-upload.</summary>
    private static string Source(HeadroomSource source) => source == HeadroomSource.TsoUpload ? "tso-upload" : "model";

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsNaN(v))
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteNumber(name, Math.Round(v, 1));
        }
    }

    private static string F(double v, string format) => double.IsNaN(v) ? "" : v.ToString(format, CultureInfo.InvariantCulture);
}
