using System.Text.Json;
using WattBit.Formats;

namespace WattBit.Siting.Geo;

/// <summary>JSON parsing with errors that name the file and line.</summary>
internal static class JsonDocuments
{
    public static JsonDocument Parse(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? -1) + 1;
            var col = (int)(ex.BytePositionInLine ?? -1) + 1;
            throw new InputFormatException(source, line, col, "malformed JSON: " + ex.Message.Split(" LineNumber", 2)[0]);
        }
    }

    public static string TypeOf(JsonElement element, string source, string what)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            throw new InputFormatException(source, 0, 0, $"{what} has no \"type\".");
        }

        return t.GetString()!;
    }
}
