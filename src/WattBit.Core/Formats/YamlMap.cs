using YamlDotNet.RepresentationModel;

namespace WattBit.Formats;

/// <summary>
/// One YAML mapping read through <see cref="YamlReader"/>, with accessors by key: every error names the file, line and
/// column. Immutable.
/// </summary>
public sealed class YamlMap
{
    private readonly YamlReader _reader;
    private readonly YamlMappingNode _node;

    /// <summary>Reads <paramref name="node"/> as a mapping whose keys are among <paramref name="allowed"/> (any key when none is given).</summary>
    /// <param name="source">Names the file in messages.</param>
    /// <param name="node">The node.</param>
    /// <param name="what">What the mapping is, for messages ("a site").</param>
    /// <param name="allowed">The keys allowed.</param>
    /// <exception cref="InputFormatException">Not a mapping, or an unknown key.</exception>
    public YamlMap(string source, YamlNode node, string what, params string[] allowed)
    {
        _reader = new YamlReader(source);
        _node = _reader.Mapping(node, what, allowed);
    }

    /// <summary>Names the file in messages.</summary>
    public string Source => _reader.Source;

    /// <summary>The mapping node.</summary>
    public YamlNode Node => _node;

    /// <summary>An error at <paramref name="node"/> of <paramref name="source"/>.</summary>
    /// <param name="source">Names the file.</param>
    /// <param name="node">Where the error is.</param>
    /// <param name="message">What is wrong.</param>
    public static InputFormatException Error(string source, YamlNode node, string message) => YamlReader.Fail(source, node, message);

    /// <summary>Whether the mapping has <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    public bool Has(string key) => Find(key) is not null;

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    /// <param name="key">The key.</param>
    public YamlNode? Find(string key) => YamlReader.Get(_node, key);

    /// <summary>The value of <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="InputFormatException">The key is absent.</exception>
    public YamlNode Require(string key) => Find(key) ?? throw _reader.Fail(_node, $"missing required key '{key}'.");

    /// <summary>An error at the value of <paramref name="key"/> (at the mapping when the key is absent).</summary>
    /// <param name="key">The key.</param>
    /// <param name="message">What is wrong.</param>
    public InputFormatException ErrorAt(string key, string message) => _reader.Fail(Find(key) ?? _node, message);

    /// <summary>The single value of <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="InputFormatException">Absent or not a single value.</exception>
    public string String(string key) => _reader.Text(Require(key), key);

    /// <summary>The single value of <paramref name="key"/>, or null when absent.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="InputFormatException">Not a single value.</exception>
    public string? OptionalString(string key) => Find(key) is { } n ? _reader.Text(n, key) : null;

    /// <summary>The number at <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="InputFormatException">Absent or not a number.</exception>
    public double Number(string key) => _reader.Number(Require(key), key);

    /// <summary>The number at <paramref name="key"/>, or <paramref name="fallback"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The value when absent.</param>
    /// <exception cref="InputFormatException">Not a number.</exception>
    public double Number(string key, double fallback) => _reader.Number(_node, key, fallback);

    /// <summary>The whole number at <paramref name="key"/>, or <paramref name="fallback"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The value when absent.</param>
    /// <exception cref="InputFormatException">Not a whole number.</exception>
    public int Integer(string key, int fallback) => _reader.Integer(_node, key, fallback);

    /// <summary>The truth value at <paramref name="key"/>, or <paramref name="fallback"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The value when absent.</param>
    /// <exception cref="InputFormatException">Not true or false.</exception>
    public bool Boolean(string key, bool fallback) => Find(key) is { } n ? _reader.Boolean(n, key) : fallback;

    /// <summary>The ISO 8601 instant at <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="InputFormatException">Absent or not an instant.</exception>
    public DateTimeOffset Instant(string key) => _reader.Instant(Require(key), key);

    /// <summary>The names at <paramref name="key"/> (one value or a list); empty when absent.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="InputFormatException">Not a value or a list of values.</exception>
    public IReadOnlyList<string> Strings(string key) => Find(key) is { } n ? _reader.Strings(n, key) : [];

    /// <summary>The items of the list at <paramref name="key"/>; empty when absent.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="InputFormatException">Not a list.</exception>
    public IEnumerable<YamlNode> Items(string key) => Find(key) is { } n ? _reader.Sequence(n, key).Children : [];

    /// <summary>The hourly series at <paramref name="key"/> (<see cref="YamlReader.Series"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="steps">Hours of the horizon.</param>
    /// <exception cref="InputFormatException">Absent, or not a number or a list of the right length.</exception>
    public double[] Series(string key, int steps) => _reader.Series(Require(key), key, steps);

    /// <summary>The hourly series at <paramref name="n"/> (<see cref="YamlReader.Series"/>).</summary>
    /// <param name="n">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <param name="steps">Hours of the horizon.</param>
    /// <exception cref="InputFormatException">Not a number or a list of the right length.</exception>
    public double[] ParseSeries(YamlNode n, string key, int steps) => _reader.Series(n, key, steps);
}
