using System.Globalization;
using WattBit.Formats;
using YamlDotNet.RepresentationModel;

namespace WattBit.Planning.Scenarios;

/// <summary>A YAML mapping with typed, line-aware accessors: every error names the file, line and column.</summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly HashSet<string> _allowed;

    public YamlMap(string source, YamlNode node, string what, params string[] allowed)
    {
        Source = source;
        if (node is not YamlMappingNode map)
        {
            throw Error(source, node, $"{what} must be a mapping (key: value lines).");
        }

        _node = map;
        _allowed = new HashSet<string>(allowed, StringComparer.Ordinal);
        foreach (var key in map.Children.Keys)
        {
            var k = ((YamlScalarNode)key).Value ?? string.Empty;
            if (_allowed.Count > 0 && !_allowed.Contains(k))
            {
                throw Error(source, key, $"unknown key '{k}' in {what} (expected one of: {string.Join(", ", allowed)}).");
            }
        }
    }

    public string Source { get; }

    public YamlNode Node => _node;

    public static InputFormatException Error(string source, YamlNode node, string message) =>
        new(source, (int)node.Start.Line, (int)node.Start.Column, message);

    public bool Has(string key) => _node.Children.ContainsKey(new YamlScalarNode(key));

    public YamlNode? Find(string key) => _node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public YamlNode Require(string key) =>
        Find(key) ?? throw Error(Source, _node, $"missing required key '{key}'.");

    public InputFormatException ErrorAt(string key, string message) => Error(Source, Find(key) ?? _node, message);

    public string String(string key) => Scalar(Require(key), key);

    public string? OptionalString(string key) => Find(key) is { } n ? Scalar(n, key) : null;

    public double Number(string key) => ParseNumber(Require(key), key);

    public double Number(string key, double fallback) => Find(key) is { } n ? ParseNumber(n, key) : fallback;

    public int Integer(string key, int fallback)
    {
        if (Find(key) is not { } n)
        {
            return fallback;
        }

        var s = Scalar(n, key);
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Error(Source, n, $"'{key}' must be a whole number (got '{s}').");
    }

    public bool Boolean(string key, bool fallback)
    {
        if (Find(key) is not { } n)
        {
            return fallback;
        }

        return Scalar(n, key).ToLowerInvariant() switch
        {
            "true" or "yes" => true,
            "false" or "no" => false,
            var s => throw Error(Source, n, $"'{key}' must be true or false (got '{s}')."),
        };
    }

    public DateTimeOffset Instant(string key)
    {
        var n = Require(key);
        try
        {
            return Iso8601.Parse(Scalar(n, key));
        }
        catch (FormatException ex)
        {
            throw Error(Source, n, $"'{key}': {ex.Message}");
        }
    }

    public IReadOnlyList<string> Strings(string key)
    {
        if (Find(key) is not { } n)
        {
            return [];
        }

        return n switch
        {
            YamlSequenceNode seq => seq.Children.Select(c => Scalar(c, key)).ToList(),
            YamlScalarNode => [Scalar(n, key)],
            _ => throw Error(Source, n, $"'{key}' must be a list of names."),
        };
    }

    public IEnumerable<YamlNode> Items(string key)
    {
        if (Find(key) is not { } n)
        {
            return [];
        }

        return n is YamlSequenceNode seq ? seq.Children : throw Error(Source, n, $"'{key}' must be a list (lines starting with '- ').");
    }

    /// <summary>
    /// An hourly series of <paramref name="steps"/> values: a single number (constant), a list of exactly
    /// <paramref name="steps"/> numbers, or a list of 24 numbers repeated each day.
    /// </summary>
    public double[] Series(string key, int steps) => ParseSeries(Require(key), key, steps);

    public double[] ParseSeries(YamlNode n, string key, int steps)
    {
        if (n is YamlScalarNode)
        {
            var v = ParseNumber(n, key);
            return Enumerable.Repeat(v, steps).ToArray();
        }

        if (n is not YamlSequenceNode seq)
        {
            throw Error(Source, n, $"'{key}' must be a number or a list of hourly numbers.");
        }

        var values = seq.Children.Select(c => ParseNumber(c, key)).ToArray();
        if (values.Length == steps)
        {
            return values;
        }

        if (values.Length == 24)
        {
            return Enumerable.Range(0, steps).Select(i => values[i % 24]).ToArray();
        }

        throw Error(Source, n, $"'{key}' has {values.Length} values; give {steps} (one per hour of the horizon), 24 (repeated daily) or one number.");
    }

    private string Scalar(YamlNode n, string key) =>
        n is YamlScalarNode s && s.Value is { } v ? v : throw Error(Source, n, $"'{key}' must be a single value.");

    private double ParseNumber(YamlNode n, string key)
    {
        var s = Scalar(n, key);
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw Error(Source, n, $"'{key}' must be a number (got '{s}').");
    }
}
