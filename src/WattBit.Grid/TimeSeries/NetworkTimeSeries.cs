using System.Collections.Immutable;
using WattBit.Grid.PowerFlow;

namespace WattBit.Grid.TimeSeries;

/// <summary>How the generators with Pg &gt; 0 follow the load from step to step.</summary>
public enum GenerationFollowing
{
    /// <summary>
    /// In proportion to their base output Pg (formats.md §2, the default): Pg_g(t) = Pg_g·G(t)/ΣPg, where G(t) is the
    /// generation the step needs.
    /// </summary>
    Output,

    /// <summary>
    /// In proportion to their room Pmax − Pg (decision 0108): Pg_g(t) = Pg_g·G₀/ΣPg + w_g·(G(t) − G₀), with
    /// w_g = max(0, Pmax_g − Pg_g)/Σ room and G₀ = ΣPd + ΣGs the generation the base case needs. A unit at its maximum in
    /// the base case (a nuclear unit) stays there; none passes Pmax while the step needs no more than ΣPmax. Still affine in
    /// (demand_scale, solar_pu).
    /// </summary>
    Room,
}

/// <summary>
/// A case turned into a series of snapshots (formats.md §2). Every flow is affine in the two profile values:
/// f_l(t) = A_l + demand_scale(t)·B_l + solar_pu(t)·C_l, so three DC solves give every step's flows exactly.
/// Immutable and thread-safe.
/// </summary>
public sealed class NetworkTimeSeries
{
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[] _c;
    private readonly double[] _pConst;
    private readonly double[] _pScale;
    private readonly double[] _pSolar;

    /// <summary>Builds the series.</summary>
    /// <param name="model">The DC model.</param>
    /// <param name="profile">Demand scale and solar per step.</param>
    /// <param name="solarCapacityMw">PV capacity per bus index, MW (null = none).</param>
    /// <param name="following">How the generators follow the load (default <see cref="GenerationFollowing.Output"/>,
    /// formats.md §2).</param>
    /// <exception cref="ArgumentException">The capacities do not have one entry per bus, no in-service generator
    /// has Pg &gt; 0 (nothing to scale), or, following room, none has Pmax &gt; Pg.</exception>
    public NetworkTimeSeries(DcModel model, GridProfile profile, IReadOnlyList<double>? solarCapacityMw = null,
        GenerationFollowing following = GenerationFollowing.Output)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(profile);
        Model = model;
        Profile = profile;
        var net = model.Network;
        int n = model.BusCount, m = model.BranchCount;
        var cap = solarCapacityMw ?? new double[n];
        if (cap.Count != n)
        {
            throw new ArgumentException($"expected {n} solar capacities, got {cap.Count}.", nameof(solarCapacityMw));
        }

        SolarCapacityMw = [.. cap];
        double sumPd = 0, sumGs = 0, sumCap = 0, sumPg = 0;
        for (var i = 0; i < n; i++)
        {
            sumPd += net.Buses[i].Pd;
            sumGs += net.Buses[i].Gs;
            sumCap += cap[i];
        }

        var scaled = new double[n];
        var room = new double[n];
        var fixedGen = new double[n];
        double sumRoom = 0;
        foreach (var g in net.Generators)
        {
            if (!g.InService)
            {
                continue;
            }

            if (g.Pg > 0)
            {
                scaled[g.BusIndex] += g.Pg;
                sumPg += g.Pg;
                var r = Math.Max(0, g.Pmax - g.Pg);
                room[g.BusIndex] += r;
                sumRoom += r;
            }
            else
            {
                fixedGen[g.BusIndex] += g.Pg;
            }
        }

        if (!(sumPg > 0))
        {
            throw new ArgumentException($"{net.Name}: no in-service generator has Pg > 0, so the dispatch cannot be scaled to balance.", nameof(model));
        }

        if (following == GenerationFollowing.Room && !(sumRoom > 0))
        {
            throw new ArgumentException($"{net.Name}: no in-service generator with Pg > 0 has Pmax > Pg, so none has room to follow the load.", nameof(following));
        }

        Following = following;

        // Pg_g(t) = Pg_g·(ΣPd·ds + ΣGs − ΣCap·pv)/ΣPg: affine in (ds, pv).
        _pConst = new double[n];
        _pScale = new double[n];
        _pSolar = new double[n];
        for (var i = 0; i < n; i++)
        {
            var share = scaled[i] / sumPg;
            if (following == GenerationFollowing.Room)
            {
                // gen_i(t) = share·G₀ + w_i·(ΣPd·ds + ΣGs − ΣCap·pv − G₀), G₀ = ΣPd + ΣGs.
                var w = room[i] / sumRoom;
                _pConst[i] = fixedGen[i] + (share * (sumPd + sumGs)) - (w * sumPd) - net.Buses[i].Gs;
                _pScale[i] = (w * sumPd) - net.Buses[i].Pd;
                _pSolar[i] = cap[i] - (w * sumCap);
            }
            else
            {
                _pConst[i] = fixedGen[i] + (share * sumGs) - net.Buses[i].Gs;
                _pScale[i] = (share * sumPd) - net.Buses[i].Pd;
                _pSolar[i] = cap[i] - (share * sumCap);
            }
        }

        GenerationScale = (sumGs / sumPg, sumPd / sumPg, -sumCap / sumPg);
        _a = new double[m];
        _b = new double[m];
        _c = new double[m];
        model.Solve(_pConst, _a);
        model.Solve(_pScale, _b, includePhaseShifts: false);
        model.Solve(_pSolar, _c, includePhaseShifts: false);
        // Bounding box of the profile points: every flow's range over the period lies within the box's corners.
        DemandScaleMin = profile.DemandScale.Min();
        DemandScaleMax = profile.DemandScale.Max();
        SolarMin = profile.SolarPu.Min();
        SolarMax = profile.SolarPu.Max();
    }

    /// <summary>Net injections per bus (MW) of the three flow components: constant, per unit of demand scale, per unit of solar.</summary>
    internal (double[] Constant, double[] PerDemandScale, double[] PerSolar) ComponentInjections() => (_pConst, _pScale, _pSolar);

    /// <summary>The DC model.</summary>
    public DcModel Model { get; }

    /// <summary>The profile.</summary>
    public GridProfile Profile { get; }

    /// <summary>PV capacity per bus, MW.</summary>
    public ImmutableArray<double> SolarCapacityMw { get; }

    /// <summary>How the generators follow the load.</summary>
    public GenerationFollowing Following { get; }

    /// <summary>
    /// The generation of the Pg &gt; 0 generators together over ΣPg: a0 + a1·demand_scale + a2·solar_pu (with
    /// <see cref="GenerationFollowing.Output"/> also each one's scale factor).
    /// </summary>
    public (double A0, double A1, double A2) GenerationScale { get; }

    /// <summary>Smallest demand scale in the profile.</summary>
    public double DemandScaleMin { get; }

    /// <summary>Largest demand scale in the profile.</summary>
    public double DemandScaleMax { get; }

    /// <summary>Smallest solar_pu in the profile.</summary>
    public double SolarMin { get; }

    /// <summary>Largest solar_pu in the profile.</summary>
    public double SolarMax { get; }

    /// <summary>Number of steps.</summary>
    public int Count => Profile.Count;

    /// <summary>Constant part of every branch flow, MW (A_l).</summary>
    public ReadOnlySpan<double> FlowConstant => _a;

    /// <summary>Flow per unit of demand scale, MW (B_l).</summary>
    public ReadOnlySpan<double> FlowPerDemandScale => _b;

    /// <summary>Flow per unit of solar_pu, MW (C_l).</summary>
    public ReadOnlySpan<double> FlowPerSolar => _c;

    /// <summary>The flow of branch l at step t, MW: A + ds·B + pv·C (the exact expression the headroom engine uses).</summary>
    public double Flow(int branch, int step) => _a[branch] + (Profile.DemandScale[step] * _b[branch]) + (Profile.SolarPu[step] * _c[branch]);

    /// <summary>The bus injections at step t (MW), as in formats.md §2: scaled generators, scaled loads, constant Gs, PV.</summary>
    public double[] Injections(int step)
    {
        var ds = Profile.DemandScale[step];
        var pv = Profile.SolarPu[step];
        var p = new double[Model.BusCount];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = _pConst[i] + (ds * _pScale[i]) + (pv * _pSolar[i]);
        }

        return p;
    }
}
