using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace WattBit.Formats;

/// <summary>
/// The one YAML reader of WattBit's scenario and configuration files (planning scenarios, simulation scenarios, siting
/// studies): loads a document and reads its nodes with typed accessors. Every failure is an
/// <see cref="InputFormatException"/> at the node's line and column in <see cref="Source"/>. <see cref="YamlMap"/> is the
/// same reading seen from one mapping. Thread-safe (it holds only the source name).
/// </summary>
/// <param name="source">Names the file in messages.</param>
public sealed class YamlReader(string source)
{
    /// <summary>Names the file in messages.</summary>
    public string Source { get; } = source;

    /// <summary>Parses <paramref name="text"/> and returns the root node of its first document.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="source">Names the file in messages.</param>
    /// <param name="what">What the document is, for the message when it is empty ("the scenario").</param>
    /// <exception cref="InputFormatException">The text is not valid YAML, or holds no document.</exception>
    public static YamlNode Load(string text, string source, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new InputFormatException(source, (int)ex.Start.Line, (int)ex.Start.Column, "not valid YAML: " + ex.Message);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some unterminated flow collections at the end of the text.
            throw new InputFormatException(source, text.Split('\n').Length, 0, "not valid YAML: an unterminated [list] or {mapping} runs to the end of the file.");
        }

        return stream.Documents.Count > 0 ? stream.Documents[0].RootNode : throw new InputFormatException(source, 0, 0, $"{what} is empty.");
    }

    /// <summary>An error at <paramref name="node"/> of <paramref name="source"/>.</summary>
    /// <param name="source">Names the file.</param>
    /// <param name="node">Where the error is.</param>
    /// <param name="message">What is wrong.</param>
    public static InputFormatException Fail(string source, YamlNode node, string message)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new(source, (int)node.Start.Line, (int)node.Start.Column, message);
    }

    /// <summary>An error at <paramref name="node"/>.</summary>
    /// <param name="node">Where the error is.</param>
    /// <param name="message">What is wrong.</param>
    public InputFormatException Fail(YamlNode node, string message) => Fail(Source, node, message);

    /// <summary>The node as a mapping whose keys are all among <paramref name="keys"/> (any key when none is given).</summary>
    /// <param name="node">The node.</param>
    /// <param name="what">What the mapping is, for messages ("a site").</param>
    /// <param name="keys">The keys allowed.</param>
    /// <exception cref="InputFormatException">Not a mapping, or an unknown key.</exception>
    public YamlMappingNode Mapping(YamlNode node, string what, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (node is not YamlMappingNode map)
        {
            throw Fail(node, $"{what} must be a mapping of key: value lines.");
        }

        if (keys.Length > 0)
        {
            foreach (var key in map.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (Array.IndexOf(keys, name) < 0)
                {
                    throw Fail(key, $"unknown key '{name}' in {what} (known: {string.Join(", ", keys)}).");
                }
            }
        }

        return map;
    }

    /// <summary>The value of <paramref name="key"/> in <paramref name="map"/>, or null when the key is absent.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="key">The key.</param>
    public static YamlNode? Get(YamlMappingNode map, string key)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;
    }

    /// <summary>The value of <paramref name="key"/> in <paramref name="map"/>.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="key">The key.</param>
    /// <param name="what">What the mapping is, for the message.</param>
    /// <exception cref="InputFormatException">The key is absent.</exception>
    public YamlNode Need(YamlMappingNode map, string key, string what) =>
        Get(map, key) ?? throw Fail(map, $"{what} needs '{key}'.");

    /// <summary>The node's single value.</summary>
    /// <param name="node">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <exception cref="InputFormatException">Not a single value.</exception>
    public string Text(YamlNode node, string key) => node is YamlScalarNode { Value: { } v }
        ? v
        : throw Fail(node, $"'{key}' must be a single value.");

    /// <summary>The node as a finite number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="node">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <param name="min">Smallest value allowed.</param>
    /// <param name="max">Largest value allowed.</param>
    /// <exception cref="InputFormatException">Not a number, or out of range.</exception>
    public double Number(YamlNode node, string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var text = Text(node, key);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            throw Fail(node, $"'{key}' must be a number (got '{text}').");
        }

        if (v < min || v > max)
        {
            throw Fail(node, $"'{key}' must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} (got {text}).");
        }

        return v;
    }

    /// <summary>The number at <paramref name="key"/> of <paramref name="map"/>, or <paramref name="fallback"/> when the key is absent.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The value when the key is absent.</param>
    /// <param name="min">Smallest value allowed.</param>
    /// <param name="max">Largest value allowed.</param>
    /// <exception cref="InputFormatException">Not a number, or out of range.</exception>
    public double Number(YamlMappingNode map, string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
        Get(map, key) is { } n ? Number(n, key, min, max) : fallback;

    /// <summary>The node as a whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="node">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <param name="min">Smallest value allowed.</param>
    /// <param name="max">Largest value allowed.</param>
    /// <exception cref="InputFormatException">Not a whole number, or out of range.</exception>
    public int Integer(YamlNode node, string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Text(node, key);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw Fail(node, min == int.MinValue && max == int.MaxValue
                ? $"'{key}' must be a whole number (got '{text}')."
                : $"'{key}' must be a whole number between {min} and {max} (got '{text}').");
        }

        return v;
    }

    /// <summary>The whole number at <paramref name="key"/> of <paramref name="map"/>, or <paramref name="fallback"/> when the key is absent.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The value when the key is absent.</param>
    /// <param name="min">Smallest value allowed.</param>
    /// <param name="max">Largest value allowed.</param>
    /// <exception cref="InputFormatException">Not a whole number, or out of range.</exception>
    public int Integer(YamlMappingNode map, string key, int fallback, int min = int.MinValue, int max = int.MaxValue) =>
        Get(map, key) is { } n ? Integer(n, key, min, max) : fallback;

    /// <summary>The node as true or false (also yes or no).</summary>
    /// <param name="node">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <exception cref="InputFormatException">Neither.</exception>
    public bool Boolean(YamlNode node, string key) => Text(node, key).ToLowerInvariant() switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        var s => throw Fail(node, $"'{key}' must be true or false (got '{s}')."),
    };

    /// <summary>The node as an ISO 8601 instant with an offset.</summary>
    /// <param name="node">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <exception cref="InputFormatException">Not an instant.</exception>
    public DateTimeOffset Instant(YamlNode node, string key)
    {
        try
        {
            return Iso8601.Parse(Text(node, key));
        }
        catch (FormatException ex)
        {
            throw Fail(node, $"'{key}': {ex.Message}");
        }
    }

    /// <summary>The node as a list.</summary>
    /// <param name="node">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <exception cref="InputFormatException">Not a list.</exception>
    public YamlSequenceNode Sequence(YamlNode node, string key) =>
        node as YamlSequenceNode ?? throw Fail(node, $"'{key}' must be a list (lines starting with '- ').");

    /// <summary>The node as a list of numbers, each at least <paramref name="min"/>, and <paramref name="count"/> of them when given.</summary>
    /// <param name="node">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <param name="count">How many values are needed, or null for any number.</param>
    /// <param name="min">Smallest value allowed.</param>
    /// <exception cref="InputFormatException">Not a list of numbers, or the wrong count.</exception>
    public double[] Numbers(YamlNode node, string key, int? count = null, double min = double.NegativeInfinity)
    {
        var list = Sequence(node, key).Children.Select(c => Number(c, key, min)).ToArray();
        if (count is { } c && list.Length != c)
        {
            throw Fail(node, $"'{key}' needs {c} values (got {list.Length}).");
        }

        return list;
    }

    /// <summary>The node as a list of names (a single value is a list of one).</summary>
    /// <param name="node">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <exception cref="InputFormatException">Neither a value nor a list of values.</exception>
    public IReadOnlyList<string> Strings(YamlNode node, string key) => node switch
    {
        YamlSequenceNode seq => seq.Children.Select(c => Text(c, key)).ToList(),
        YamlScalarNode => [Text(node, key)],
        _ => throw Fail(node, $"'{key}' must be a list of names."),
    };

    /// <summary>
    /// An hourly series of <paramref name="steps"/> values: a single number (constant), a list of exactly
    /// <paramref name="steps"/> numbers, or a list of 24 numbers repeated each day.
    /// </summary>
    /// <param name="node">The node.</param>
    /// <param name="key">The key it is the value of, for messages.</param>
    /// <param name="steps">Hours of the horizon.</param>
    /// <exception cref="InputFormatException">Not a number or a list of the right length.</exception>
    public double[] Series(YamlNode node, string key, int steps)
    {
        if (node is YamlScalarNode)
        {
            return Enumerable.Repeat(Number(node, key), steps).ToArray();
        }

        if (node is not YamlSequenceNode seq)
        {
            throw Fail(node, $"'{key}' must be a number or a list of hourly numbers.");
        }

        var values = seq.Children.Select(c => Number(c, key)).ToArray();
        if (values.Length == steps)
        {
            return values;
        }

        if (values.Length == 24)
        {
            return Enumerable.Range(0, steps).Select(i => values[i % 24]).ToArray();
        }

        throw Fail(node, $"'{key}' has {values.Length} values; give {steps} (one per hour of the horizon), 24 (repeated daily) or one number.");
    }

    /// <summary>The option whose name is the node's value.</summary>
    /// <typeparam name="T">The options' type.</typeparam>
    /// <param name="node">The node.</param>
    /// <param name="what">What is chosen, for messages.</param>
    /// <param name="options">The names and their values.</param>
    /// <exception cref="InputFormatException">No option has that name.</exception>
    public T Choice<T>(YamlNode node, string what, params (string Name, T Value)[] options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = Text(node, what);
        foreach (var (name, value) in options)
        {
            if (name == text)
            {
                return value;
            }
        }

        throw Fail(node, $"unknown {what} '{text}' (known: {string.Join(", ", options.Select(o => o.Name))}).");
    }
}
