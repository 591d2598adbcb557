using System.Text;

namespace WattBit.Data.Import;

/// <summary>Decodes the bytes of a Japanese public data file: UTF-8 (with or without BOM) or CP932 (Shift_JIS).</summary>
/// <remarks>
/// The TSO and JEPX files come in both encodings, often within one publisher's archive. A file that is valid UTF-8 is
/// read as UTF-8; anything else is read as CP932, the Windows Japanese code page. Thread-safe.
/// </remarks>
public static class TextDecoding
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The CP932 (Shift_JIS, Windows-31J) encoding, with the code-pages provider registered.</summary>
    public static Encoding Cp932 { get; } = LoadCp932();

    /// <summary>Decodes <paramref name="bytes"/>, detecting UTF-8 vs CP932.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="encodingName">"utf-8" or "cp932": the encoding that was used.</param>
    /// <returns>The decoded text without a byte-order mark.</returns>
    public static string Decode(ReadOnlySpan<byte> bytes, out string encodingName)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            encodingName = "utf-8";
            return Encoding.UTF8.GetString(bytes[3..]);
        }

        try
        {
            var text = s_strictUtf8.GetString(bytes);
            encodingName = "utf-8";
            return text;
        }
        catch (DecoderFallbackException)
        {
            encodingName = "cp932";
            return Cp932.GetString(bytes);
        }
    }

    private static Encoding LoadCp932()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932);
    }
}
