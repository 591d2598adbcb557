using System.Globalization;

namespace WattBit.LoadGen;

/// <summary>The generator's command line.</summary>
internal sealed record LoadGenOptions(IReadOnlyList<LoadTarget> Targets, TimeSpan Duration, int Connections, string? ApiKey,
    string? TracePath, string? SummaryPath, TimeSpan Drain, TimeSpan Warmup = default)
{
    /// <summary>Parses the arguments; an <see cref="ArgumentException"/> names the argument that is wrong.</summary>
    public static LoadGenOptions Parse(IReadOnlyList<string> args)
    {
        var targets = new List<LoadTarget>();
        double duration = 10, drain = 5, warmup = 0;
        var connections = 4;
        string? key = Environment.GetEnvironmentVariable("WATTBIT_KEY"), trace = null, summary = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--duration": duration = Number(Value(), "--duration"); break;
                case "--drain": drain = Number(Value(), "--drain"); break;
                case "--warmup": warmup = Number(Value(), "--warmup"); break;
                case "--connections": connections = (int)Number(Value(), "--connections"); break;
                case "--key": key = Value(); break;
                case "--csv": trace = Value(); break;
                case "--summary": summary = Value(); break;
                case "--target": targets.Add(Target(Value())); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}' (expected --target, --duration, --warmup, --connections, --key, --csv, --summary, --drain)");
            }
        }

        if (targets.Count == 0)
        {
            throw new ArgumentException("no --target given (label,read|ingest,rate,url[,year])");
        }

        if (duration <= 0 || connections < 1 || drain < 0)
        {
            throw new ArgumentException($"--duration must be > 0 (was {duration}), --connections >= 1 (was {connections}), --drain >= 0 (was {drain})");
        }

        return new LoadGenOptions(targets, TimeSpan.FromSeconds(duration), connections, key, trace, summary, TimeSpan.FromSeconds(drain), TimeSpan.FromSeconds(warmup));
    }

    private static double Number(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0
            ? v
            : throw new ArgumentException($"{name}: '{text}' is not a non-negative number");

    private static LoadTarget Target(string text)
    {
        var parts = text.Split(',');
        if (parts.Length is < 4 or > 5)
        {
            throw new ArgumentException($"--target '{text}': expected label,read|ingest,rate,url[,year]");
        }

        var kind = parts[1] switch
        {
            "read" => TargetKind.Read,
            "ingest" => TargetKind.Ingest,
            _ => throw new ArgumentException($"--target '{text}': kind '{parts[1]}' is neither read nor ingest"),
        };
        var rate = Number(parts[2], $"--target '{text}' rate");
        if (rate <= 0)
        {
            throw new ArgumentException($"--target '{text}': the rate must be > 0");
        }

        if (!Uri.TryCreate(parts[3], UriKind.Absolute, out var url))
        {
            throw new ArgumentException($"--target '{text}': '{parts[3]}' is not an absolute URL");
        }

        var year = parts.Length == 5 ? (int)Number(parts[4], $"--target '{text}' year") : 2025;
        return new LoadTarget(parts[0], kind, url, rate, year);
    }
}
