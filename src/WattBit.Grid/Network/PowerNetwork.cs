using System.Collections.Immutable;

namespace WattBit.Grid.Network;

/// <summary>MATPOWER bus types (column BUS_TYPE).</summary>
public enum BusType
{
    /// <summary>PQ bus (1).</summary>
    Load = 1,

    /// <summary>PV bus (2).</summary>
    Generator = 2,

    /// <summary>Reference (slack) bus (3).</summary>
    Reference = 3,

    /// <summary>Isolated bus (4): it and every branch touching it are out of service.</summary>
    Isolated = 4,
}

/// <summary>A bus of a case, in file order.</summary>
/// <param name="Number">The bus number as written in the file (any positive integer).</param>
/// <param name="Type">The bus type.</param>
/// <param name="Pd">Real power demand, MW.</param>
/// <param name="Qd">Reactive power demand, MVAr.</param>
/// <param name="Gs">Shunt conductance, MW demanded at V = 1 p.u.</param>
/// <param name="Bs">Shunt susceptance, MVAr injected at V = 1 p.u.</param>
/// <param name="Area">Area number.</param>
/// <param name="VaDegrees">Voltage angle in the file, degrees (the reference bus keeps it in the DC power flow).</param>
/// <param name="BaseKv">Base voltage, kV.</param>
/// <param name="Name">The bus name from <c>bus_name</c>, or null.</param>
/// <param name="Line">1-based line of the row in the file (0 when built in code).</param>
public sealed record Bus(int Number, BusType Type, double Pd, double Qd, double Gs, double Bs, int Area, double VaDegrees,
    double BaseKv, string? Name, int Line = 0);

/// <summary>A generator of a case, in file order.</summary>
/// <param name="BusIndex">0-based index of its bus in <see cref="PowerNetwork.Buses"/>.</param>
/// <param name="Pg">Real power output, MW (may be negative: a dispatchable load).</param>
/// <param name="InService">False when the file's status is 0 or its bus is isolated.</param>
/// <param name="Pmax">Maximum output, MW.</param>
/// <param name="Pmin">Minimum output, MW.</param>
/// <param name="Line">1-based line of the row in the file.</param>
public sealed record Generator(int BusIndex, double Pg, bool InService, double Pmax, double Pmin, int Line = 0);

/// <summary>A branch (line or transformer) of a case, in file order; its 1-based position is its public index.</summary>
/// <param name="From">0-based index of the from bus.</param>
/// <param name="To">0-based index of the to bus.</param>
/// <param name="R">Resistance, p.u.</param>
/// <param name="X">Reactance, p.u.</param>
/// <param name="B">Total line charging susceptance, p.u.</param>
/// <param name="RateA">Long-term rating, MVA (0 = unlimited).</param>
/// <param name="RateB">Short-term (emergency) rating, MVA (0 = use <paramref name="RateA"/>).</param>
/// <param name="RateC">Emergency rating, MVA.</param>
/// <param name="Ratio">Off-nominal tap ratio as written (0 means 1, a line).</param>
/// <param name="ShiftDegrees">Phase shift angle, degrees (positive = delay).</param>
/// <param name="InService">False when the status is 0 or an end is an isolated bus.</param>
/// <param name="Line">1-based line of the row in the file.</param>
/// <param name="Name">The branch name from the optional <c>branch_name</c> cell array (e.g. the Japan backbone's OCCTO line
/// and circuit), or null.</param>
public sealed record Branch(int From, int To, double R, double X, double B, double RateA, double RateB, double RateC,
    double Ratio, double ShiftDegrees, bool InService, int Line = 0, string? Name = null)
{
    /// <summary>The effective tap: <see cref="Ratio"/>, or 1 where it is 0.</summary>
    public double Tap => Ratio == 0 ? 1 : Ratio;

    /// <summary>The DC series susceptance b = 1 / (x * tap), p.u.</summary>
    public double Susceptance => 1 / (X * Tap);

    /// <summary>The emergency rating used for N-1: rateB, or rateA where rateB is 0, MW.</summary>
    public double EmergencyRating => RateB > 0 ? RateB : RateA;
}

/// <summary>An area of a case (PSS/E area data; MATPOWER cases carry none).</summary>
/// <param name="Number">The area number buses refer to (<see cref="Bus.Area"/>).</param>
/// <param name="Name">The area name, or null.</param>
/// <param name="Line">1-based line of the record in the file (0 when built in code).</param>
public sealed record Area(int Number, string? Name, int Line = 0);

/// <summary>
/// An immutable power network read from a MATPOWER case: buses, generators and branches in file order. Bus numbers are
/// mapped to 0-based indexes once; every other type refers to buses by index. Thread-safe (immutable).
/// </summary>
public sealed class PowerNetwork
{
    private readonly Dictionary<int, int> _busIndex;

    /// <summary>Creates a network and checks it.</summary>
    /// <param name="name">A name for messages (usually the file path).</param>
    /// <param name="baseMva">System MVA base.</param>
    /// <param name="buses">Buses; numbers must be unique.</param>
    /// <param name="generators">Generators referring to buses by index.</param>
    /// <param name="branches">Branches referring to buses by index.</param>
    /// <param name="areas">Areas with names, if the source has them (PSS/E); null or empty for MATPOWER cases.</param>
    /// <exception cref="ArgumentException">Duplicate bus numbers, an index out of range, no reference bus, or an
    /// in-service branch with x = 0.</exception>
    public PowerNetwork(string name, double baseMva, IEnumerable<Bus> buses, IEnumerable<Generator> generators, IEnumerable<Branch> branches,
        IEnumerable<Area>? areas = null)
    {
        Areas = areas is null ? [] : [.. areas];
        Name = name;
        BaseMva = baseMva;
        Buses = [.. buses];
        Generators = [.. generators];
        Branches = [.. branches];
        _busIndex = new Dictionary<int, int>(Buses.Length);
        for (var i = 0; i < Buses.Length; i++)
        {
            if (!_busIndex.TryAdd(Buses[i].Number, i))
            {
                throw new ArgumentException($"{name}: bus {Buses[i].Number} appears twice.", nameof(buses));
            }
        }

        ReferenceBus = -1;
        for (var i = 0; i < Buses.Length; i++)
        {
            if (Buses[i].Type == BusType.Reference)
            {
                ReferenceBus = i;
                break;
            }
        }

        if (ReferenceBus < 0)
        {
            throw new ArgumentException($"{name}: no reference bus (a bus of type 3) in the case.", nameof(buses));
        }

        foreach (var g in Generators)
        {
            if ((uint)g.BusIndex >= (uint)Buses.Length)
            {
                throw new ArgumentException($"{name}: a generator refers to bus index {g.BusIndex} outside the bus table.", nameof(generators));
            }
        }

        for (var l = 0; l < Branches.Length; l++)
        {
            var br = Branches[l];
            if ((uint)br.From >= (uint)Buses.Length || (uint)br.To >= (uint)Buses.Length)
            {
                throw new ArgumentException($"{name}: branch {l + 1} refers to a bus index outside the bus table.", nameof(branches));
            }

            if (br.InService && (br.X == 0 || !double.IsFinite(br.X)))
            {
                throw new ArgumentException($"{name}: branch {l + 1} is in service with x = {br.X}; the DC power flow needs x != 0.", nameof(branches));
            }
        }
    }

    /// <summary>A name for messages (usually the case file path).</summary>
    public string Name { get; }

    /// <summary>System MVA base.</summary>
    public double BaseMva { get; }

    /// <summary>Buses in file order.</summary>
    public ImmutableArray<Bus> Buses { get; }

    /// <summary>Generators in file order.</summary>
    public ImmutableArray<Generator> Generators { get; }

    /// <summary>Branches in file order (branch index i in messages and outputs is i + 1).</summary>
    public ImmutableArray<Branch> Branches { get; }

    /// <summary>Areas with names where the source file has them (PSS/E RAW); empty for MATPOWER cases.</summary>
    public ImmutableArray<Area> Areas { get; }

    /// <summary>0-based index of the case's reference bus: the first bus of type 3 in file order.</summary>
    public int ReferenceBus { get; }

    /// <summary>The 0-based index of bus <paramref name="number"/>.</summary>
    /// <exception cref="ArgumentException">No bus has that number.</exception>
    public int BusIndex(int number) => _busIndex.TryGetValue(number, out var i)
        ? i
        : throw new ArgumentException($"{Name}: there is no bus {number}.", nameof(number));

    /// <summary>The 0-based index of bus <paramref name="number"/>, or false.</summary>
    public bool TryGetBusIndex(int number, out int index) => _busIndex.TryGetValue(number, out index);
}
