using WattBit.Sites;

namespace WattBit.Execution;

/// <summary>Which engine queue (Slurm partition) runs each site's work. Immutable.</summary>
public sealed class QueueMap
{
    private readonly Dictionary<string, string> _queues;

    /// <summary>Creates the map from site id to queue name.</summary>
    /// <exception cref="ArgumentException">A queue name is empty or contains white space or ','.</exception>
    public QueueMap(IReadOnlyDictionary<SiteId, string> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        _queues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (site, queue) in queues)
        {
            if (string.IsNullOrWhiteSpace(queue) || queue.AsSpan().IndexOfAny(" \t\r\n,=") >= 0)
            {
                throw new ArgumentException($"site {site}: queue name '{queue}' must be non-empty, without white space, ',' or '='.", nameof(queues));
            }

            _queues[site.Value] = queue;
        }
    }

    /// <summary>The sites mapped, in no particular order.</summary>
    public IEnumerable<SiteId> Sites => _queues.Keys.Select(k => new SiteId(k));

    /// <summary>Parses <c>SITE=queue,SITE=queue</c> (for example <c>TK=tk,KN=kn</c>).</summary>
    /// <exception cref="FormatException">An entry is not <c>SITE=queue</c> or a site appears twice.</exception>
    public static QueueMap Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var map = new Dictionary<SiteId, string>();
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == entry.Length - 1)
            {
                throw new FormatException($"queue map entry '{entry}' is not SITE=queue (for example TK=tk).");
            }

            SiteId site;
            try
            {
                site = new SiteId(entry[..eq].Trim());
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"queue map entry '{entry}': {ex.Message}", ex);
            }

            if (!map.TryAdd(site, entry[(eq + 1)..].Trim()))
            {
                throw new FormatException($"queue map names site {site} twice.");
            }
        }

        if (map.Count == 0)
        {
            throw new FormatException("queue map is empty; expected SITE=queue,SITE=queue.");
        }

        try
        {
            return new QueueMap(map);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>The queue of <paramref name="site"/>.</summary>
    /// <exception cref="ArgumentException">The site is not mapped.</exception>
    public string QueueOf(SiteId site) =>
        _queues.TryGetValue(site.Value, out var q) ? q : throw new ArgumentException($"site {site} has no queue (partition) in the queue map.");

    /// <summary>The queue of <paramref name="site"/>, or false when it is not mapped.</summary>
    public bool TryGetQueue(SiteId site, out string queue) => _queues.TryGetValue(site.Value, out queue!);
}
