using System.Text;
using WattBit.Formats;

namespace WattBit.Siting.Facts;

/// <summary>Reads the small fact tables compiled into this assembly (see docs/siting.md for their sources).</summary>
internal static class EmbeddedFacts
{
    public static CsvTable Read(string fileName)
    {
        var name = "WattBit.Siting.Facts." + fileName;
        using var stream = typeof(EmbeddedFacts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded fact table {name} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return CsvTable.Parse(reader.ReadToEnd(), "embedded:" + fileName);
    }
}
