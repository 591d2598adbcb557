using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using WattBit.Formats;

namespace WattBit.Grid.Headroom;

/// <summary>
/// A computed headroom year in a compact binary file beside the CSV (decision 0112): fixed-size blocks per bus, so a
/// bus and window are read with one seek each, without reading the rest. Layout (little-endian):
/// <c>"WBHR" · int32 version (1) · int32 buses · int32 steps · int64 first timestamp UTC ticks · int32 offset minutes ·
/// int64 step ticks · int32 bus number × buses</c>, then per bus (in that order) <c>double n0_mw[steps] · double
/// n1_mw[steps] · int32 n0_branch[steps] · int32 n1_branch[steps] · int32 n1_contingency[steps]</c> with 0-based
/// branch indexes (-1 none) and NaN for missing, exactly the values of <see cref="BusHeadroom"/> (no rounding).
/// </summary>
public sealed class HeadroomStore : IDisposable
{
    private const int Version = 1;
    private const int HeaderFixed = 4 + 4 + 4 + 4 + 8 + 4 + 8;
    private readonly FileStream _file;
    private readonly Dictionary<int, int> _slot;
    private readonly long _dataStart;

    private HeadroomStore(string path, FileStream file, int[] buses, int steps, DateTimeOffset first, TimeSpan step)
    {
        Path = path;
        _file = file;
        Buses = buses;
        Steps = steps;
        First = first;
        Step = step;
        _slot = new Dictionary<int, int>(buses.Length);
        for (var i = 0; i < buses.Length; i++)
        {
            _slot[buses[i]] = i;
        }

        _dataStart = HeaderFixed + (4L * buses.Length);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Bus numbers stored, in file order.</summary>
    public IReadOnlyList<int> Buses { get; }

    /// <summary>Steps per bus.</summary>
    public int Steps { get; }

    /// <summary>The first timestamp.</summary>
    public DateTimeOffset First { get; }

    /// <summary>The step length.</summary>
    public TimeSpan Step { get; }

    /// <summary>Bytes per step of one bus.</summary>
    public static int BytesPerStep => (2 * sizeof(double)) + (3 * sizeof(int));

    /// <summary>The timestamp of step <paramref name="step"/>.</summary>
    public DateTimeOffset Timestamp(int step) => First + (Step * step);

    /// <summary>Writes a store: the header now, then each bus with <see cref="Writer.Write"/> in the given order.</summary>
    /// <param name="path">The file to create (replaced if it exists).</param>
    /// <param name="busNumbers">The bus numbers, in the order their results will be written.</param>
    /// <param name="steps">Steps per bus.</param>
    /// <param name="first">The first timestamp.</param>
    /// <param name="step">The step length.</param>
    public static Writer Create(string path, IReadOnlyList<int> busNumbers, int steps, DateTimeOffset first, TimeSpan step) =>
        new(path, busNumbers, steps, first, step);

    /// <summary>Opens a store for queries.</summary>
    /// <exception cref="InputFormatException">Not a headroom store, another version, or a truncated file.</exception>
    public static HeadroomStore Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        try
        {
            var head = new byte[HeaderFixed];
            if (file.Read(head) != HeaderFixed || Encoding.ASCII.GetString(head, 0, 4) != "WBHR")
            {
                throw new InputFormatException(path, 0, 0, "not a WattBit headroom store (expected the magic 'WBHR').");
            }

            var version = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(4));
            if (version != Version)
            {
                throw new InputFormatException(path, 0, 0, $"headroom store version {version}; this build reads version {Version}.");
            }

            var buses = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(8));
            var steps = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(12));
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(16));
            var offset = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(24));
            var step = BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(28));
            var expected = HeaderFixed + (4L * buses) + ((long)buses * steps * BytesPerStep);
            if (buses < 0 || steps <= 0 || step <= 0 || file.Length != expected)
            {
                throw new InputFormatException(path, 0, 0, $"headroom store is truncated or corrupt: {file.Length} bytes, the header says {expected}.");
            }

            var numbers = new int[buses];
            var raw = new byte[4L * buses];
            file.ReadExactly(raw);
            for (var i = 0; i < buses; i++)
            {
                numbers[i] = BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(4 * i));
            }

            var first = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset));
            return new HeadroomStore(path, file, numbers, steps, first, TimeSpan.FromTicks(step));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>True when the store holds bus <paramref name="busNumber"/>.</summary>
    public bool Contains(int busNumber) => _slot.ContainsKey(busNumber);

    /// <summary>
    /// Reads steps [<paramref name="firstStep"/>, firstStep + count) of one bus into a <see cref="BusHeadroom"/> of
    /// <paramref name="count"/> steps (five positioned reads; thread-safe).
    /// </summary>
    /// <exception cref="ArgumentException">The bus is not stored, or the window is outside the steps.</exception>
    public BusHeadroom Read(int busNumber, int firstStep, int count)
    {
        if (!_slot.TryGetValue(busNumber, out var slot))
        {
            throw new ArgumentException($"{Path}: bus {busNumber} is not in the store.", nameof(busNumber));
        }

        if (firstStep < 0 || count < 0 || firstStep + count > Steps)
        {
            throw new ArgumentException($"{Path}: steps {firstStep}..{firstStep + count} are outside 0..{Steps}.", nameof(firstStep));
        }

        var result = new BusHeadroom(count) { Bus = slot };
        var block = _dataStart + ((long)slot * Steps * BytesPerStep);
        var handle = _file.SafeFileHandle;
        RandomAccess.Read(handle, MemoryMarshal.AsBytes(result.N0Mw.AsSpan()), block + (8L * firstStep));
        RandomAccess.Read(handle, MemoryMarshal.AsBytes(result.N1Mw.AsSpan()), block + (8L * Steps) + (8L * firstStep));
        RandomAccess.Read(handle, MemoryMarshal.AsBytes(result.N0Branch.AsSpan()), block + (16L * Steps) + (4L * firstStep));
        RandomAccess.Read(handle, MemoryMarshal.AsBytes(result.N1Branch.AsSpan()), block + (20L * Steps) + (4L * firstStep));
        RandomAccess.Read(handle, MemoryMarshal.AsBytes(result.N1Contingency.AsSpan()), block + (24L * Steps) + (4L * firstStep));
        return result;
    }

    /// <summary>The steps of [<paramref name="from"/>, <paramref name="to"/>) as (first step, count), clipped to the store.</summary>
    public (int First, int Count) Window(DateTimeOffset from, DateTimeOffset to)
    {
        var a = Math.Clamp((long)Math.Ceiling((from - First) / Step), 0, Steps);
        var b = Math.Clamp((long)Math.Ceiling((to - First) / Step), 0, Steps);
        return ((int)a, (int)Math.Max(0, b - a));
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    /// <summary>Writes a store bus by bus (see <see cref="Create"/>).</summary>
    public sealed class Writer : IDisposable
    {
        private readonly FileStream _file;
        private readonly int _steps;
        private readonly int _buses;
        private int _written;

        internal Writer(string path, IReadOnlyList<int> busNumbers, int steps, DateTimeOffset first, TimeSpan step)
        {
            ArgumentNullException.ThrowIfNull(busNumbers);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
            _steps = steps;
            _buses = busNumbers.Count;
            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            var head = new byte[HeaderFixed + (4 * busNumbers.Count)];
            Encoding.ASCII.GetBytes("WBHR").CopyTo(head, 0);
            BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(4), Version);
            BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(8), busNumbers.Count);
            BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(12), steps);
            BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(16), first.UtcTicks);
            BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(24), (int)first.Offset.TotalMinutes);
            BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(28), step.Ticks);
            for (var i = 0; i < busNumbers.Count; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(HeaderFixed + (4 * i)), busNumbers[i]);
            }

            _file.Write(head);
        }

        /// <summary>Appends the next bus's result (its arrays must have the store's steps).</summary>
        /// <exception cref="InvalidOperationException">More buses than declared.</exception>
        public void Write(BusHeadroom h)
        {
            ArgumentNullException.ThrowIfNull(h);
            if (_written >= _buses)
            {
                throw new InvalidOperationException($"the store was declared with {_buses} buses.");
            }

            if (h.N0Mw.Length != _steps)
            {
                throw new ArgumentException($"expected {_steps} steps, got {h.N0Mw.Length}.", nameof(h));
            }

            _file.Write(MemoryMarshal.AsBytes(h.N0Mw.AsSpan()));
            _file.Write(MemoryMarshal.AsBytes(h.N1Mw.AsSpan()));
            _file.Write(MemoryMarshal.AsBytes(h.N0Branch.AsSpan()));
            _file.Write(MemoryMarshal.AsBytes(h.N1Branch.AsSpan()));
            _file.Write(MemoryMarshal.AsBytes(h.N1Contingency.AsSpan()));
            _written++;
        }

        /// <inheritdoc />
        public void Dispose() => _file.Dispose();
    }
}

/// <summary>Questions answered from one bus's headroom over a window (a store read or a fresh computation).</summary>
public static class HeadroomQueries
{
    /// <summary>
    /// The branches that limit the N-1 headroom most often over the steps, ranked by count (then by lowest branch
    /// index): reinforcement candidates. Each entry: 0-based branch, steps limited, smallest headroom while it limits,
    /// and the contingency that most often accompanies it (-1: the base case).
    /// </summary>
    public static IReadOnlyList<LimitingBranch> RankLimitingBranches(BusHeadroom h, int top = 10)
    {
        ArgumentNullException.ThrowIfNull(h);
        var stats = new Dictionary<int, (int Count, double Min, Dictionary<int, int> ByC)>();
        for (var t = 0; t < h.N1Branch.Length; t++)
        {
            var b = h.N1Branch[t];
            if (b < 0 || double.IsNaN(h.N1Mw[t]))
            {
                continue;
            }

            if (!stats.TryGetValue(b, out var s))
            {
                s = (0, double.PositiveInfinity, []);
            }

            s.ByC[h.N1Contingency[t]] = s.ByC.GetValueOrDefault(h.N1Contingency[t]) + 1;
            stats[b] = (s.Count + 1, Math.Min(s.Min, h.N1Mw[t]), s.ByC);
        }

        return [.. stats.OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key).Take(top)
            .Select(p => new LimitingBranch(p.Key, p.Value.Count, p.Value.Min,
                p.Value.ByC.OrderByDescending(c => c.Value).ThenBy(c => c.Key).First().Key))];
    }
}

/// <summary>A branch that limits a bus's N-1 headroom (see <see cref="HeadroomQueries.RankLimitingBranches"/>).</summary>
/// <param name="Branch">0-based branch index.</param>
/// <param name="Steps">Steps at which it limits.</param>
/// <param name="MinMw">The smallest N-1 headroom while it limits, MW.</param>
/// <param name="MostOftenContingency">The contingency (0-based branch) most often with it; -1 for the base case.</param>
public sealed record LimitingBranch(int Branch, int Steps, double MinMw, int MostOftenContingency);
