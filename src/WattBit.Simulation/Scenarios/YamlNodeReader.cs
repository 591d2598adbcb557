using System.Globalization;
using WattBit.Formats;
using YamlDotNet.RepresentationModel;

namespace WattBit.Simulation.Scenarios;

/// <summary>Typed reads of YAML nodes for scenario files; every failure is an <see cref="InputFormatException"/> at the node's line and column.</summary>
internal sealed class YamlNodeReader(string source)
{
    public string Source { get; } = source;

    public InputFormatException Fail(YamlNode node, string message) => new(Source, (int)node.Start.Line, (int)node.Start.Column, message);

    public YamlMappingNode Mapping(YamlNode node, string what, params string[] keys)
    {
        if (node is not YamlMappingNode map)
        {
            throw Fail(node, $"{what} must be a mapping of key: value lines.");
        }

        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (Array.IndexOf(keys, name) < 0)
            {
                throw Fail(key, $"unknown key '{name}' in {what} (known: {string.Join(", ", keys)}).");
            }
        }

        return map;
    }

    public static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public YamlNode Need(YamlMappingNode map, string key, string what) =>
        Get(map, key) ?? throw Fail(map, $"{what} needs '{key}'.");

    public string Text(YamlNode node, string key) => node is YamlScalarNode { Value: { } v }
        ? v
        : throw Fail(node, $"'{key}' must be a single value.");

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

    public double Number(YamlMappingNode map, string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
        Get(map, key) is { } n ? Number(n, key, min, max) : fallback;

    public int Integer(YamlMappingNode map, string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Get(map, key) is not { } n)
        {
            return fallback;
        }

        var text = Text(n, key);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw Fail(n, $"'{key}' must be a whole number between {min} and {max} (got '{text}').");
        }

        return v;
    }

    public YamlSequenceNode Sequence(YamlNode node, string key) =>
        node as YamlSequenceNode ?? throw Fail(node, $"'{key}' must be a list.");

    public double[] Numbers(YamlNode node, string key, int? count = null, double min = double.NegativeInfinity)
    {
        var list = Sequence(node, key).Children.Select(c => Number(c, key, min)).ToArray();
        if (count is { } c && list.Length != c)
        {
            throw Fail(node, $"'{key}' needs {c} values (got {list.Length}).");
        }

        return list;
    }

    public T Choice<T>(YamlNode node, string what, params (string Name, T Value)[] options)
    {
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
