namespace WattBit.Grid.Network;

/// <summary>Loads a network from a case file of either supported format, chosen by the file extension.</summary>
public static class CaseFile
{
    /// <summary>
    /// Reads <paramref name="path"/>: a PSS/E RAW file (<c>.raw</c>, any case) with <see cref="PsseRawCase"/>, anything
    /// else as a MATPOWER case with <see cref="MatpowerCase"/>.
    /// </summary>
    /// <exception cref="WattBit.Formats.InputFormatException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PowerNetwork Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return IsRaw(path) ? PsseRawCase.Load(path) : MatpowerCase.Load(path);
    }

    /// <summary>True when the path names a PSS/E RAW file (extension <c>.raw</c>).</summary>
    public static bool IsRaw(string path) => Path.GetExtension(path).Equals(".raw", StringComparison.OrdinalIgnoreCase);
}
