namespace WattBit.Simulation.Engine;

/// <summary>
/// The accounting of one policy's run: every site's IT load and grid draw at every step (kept as the run's output, so
/// what the totals say can be recomputed from it), and the totals measured on actuals — energy, cost, emissions and
/// curtailment absorbed per area, by month and by connection kind, steps over a limit, curtailment orders met or missed,
/// inference not served and job load clipped. One per simulated policy; not thread-safe.
/// </summary>
internal sealed class PolicyAccounts
{
    private readonly SimulationWorld _world;
    private readonly AreaTotals[] _areaTotals;
    private readonly double[] _monthly = new double[12];
    private readonly double[] _byKind = new double[3];
    private readonly double[] _siteEnergy;
    private readonly double[] _areaDraw;
    private bool _anyOver;

    /// <summary>Creates the accounts of one run.</summary>
    public PolicyAccounts(SimulationWorld world)
    {
        _world = world;
        var sites = world.Scenario.Sites.Count;
        _areaTotals = new AreaTotals[world.AreaCodes.Count];
        _areaDraw = new double[world.AreaCodes.Count];
        _siteEnergy = new double[sites];
        SiteItMw = new float[sites][];
        SiteGridMw = new float[sites][];
        for (var s = 0; s < sites; s++)
        {
            SiteItMw[s] = new float[world.Steps];
            SiteGridMw[s] = new float[world.Steps];
        }
    }

    /// <summary>IT load every site ran [site][step], MW.</summary>
    public float[][] SiteItMw { get; }

    /// <summary>Grid draw of every site after its battery [site][step], MW.</summary>
    public float[][] SiteGridMw { get; }

    /// <summary>IT energy served, MWh.</summary>
    public double ServedItMwh { get; private set; }

    /// <summary>Job IT energy clipped to obey a cut (whole jobs could not be stopped), MWh.</summary>
    public double ClippedJobItMwh { get; private set; }

    /// <summary>Inference demand not served, IT MWh.</summary>
    public double InferenceUnservedItMwh { get; private set; }

    /// <summary>Site-steps with unserved inference.</summary>
    public long InferenceMissSteps { get; private set; }

    /// <summary>Lifecycle emissions of the batteries' grid energy: charged less delivered energy at each step's actual intensity, t (negative: they saved).</summary>
    public double BatteryLifecycleTonnes { get; private set; }

    /// <summary>Cost of the batteries' grid energy at each step's actual price, JPY (negative: they saved).</summary>
    public double BatteryCostYen { get; private set; }

    /// <summary>Site-steps over the limit.</summary>
    public long SiteStepsOver { get; private set; }

    /// <summary>Steps in which some site was over its limit.</summary>
    public int StepsOver { get; private set; }

    /// <summary>Site-steps under an unplanned cut the site stayed within.</summary>
    public long OrdersMet { get; private set; }

    /// <summary>Site-steps under an unplanned cut the site exceeded.</summary>
    public long OrdersMissed { get; private set; }

    /// <summary>Books job IT load clipped at one step, MW.</summary>
    public void Clipped(double mw) => ClippedJobItMwh += mw * _world.StepHours;

    /// <summary>Books inference not served at one site and step, MW.</summary>
    public void InferenceMissed(double mw)
    {
        InferenceUnservedItMwh += mw * _world.StepHours;
        InferenceMissSteps++;
    }

    /// <summary>Starts the accounts of a step.</summary>
    public void BeginStep()
    {
        Array.Clear(_areaDraw);
        _anyOver = false;
    }

    /// <summary>Books site <paramref name="s"/> at step <paramref name="t"/>: IT load run and grid draw after its battery, MW.</summary>
    public void Site(int s, int t, double it, double draw, double pue)
    {
        var h = _world.StepHours;
        var battery = (draw - (it * pue)) * h;
        if (battery != 0)
        {
            var a = _world.SiteArea[s];
            BatteryLifecycleTonnes += battery * _world.CarbonLifecycle[a][t] / 1000;
            BatteryCostYen += battery * 1000 * _world.Price[a][t];
        }

        SiteItMw[s][t] = (float)it;
        SiteGridMw[s][t] = (float)draw;
        _areaDraw[_world.SiteArea[s]] += draw;
        ServedItMwh += it * h;
        _siteEnergy[s] += draw * h;
        _byKind[(int)_world.Connections[s].Kind] += draw * h;
        var over = draw > _world.LimitMw[s][t] + 1e-6;
        if (over)
        {
            SiteStepsOver++;
            _anyOver = true;
        }

        // An unplanned cut (fault, blackout) is a curtailment order to the site.
        if (_world.LimitMw[s][t] < _world.PlannedLimitMw[s][t] - 1e-9)
        {
            if (over)
            {
                OrdersMissed++;
            }
            else
            {
                OrdersMet++;
            }
        }
    }

    /// <summary>Closes step <paramref name="t"/>: each area's draw is priced and weighed on actuals.</summary>
    public void EndStep(int t)
    {
        if (_anyOver)
        {
            StepsOver++;
        }

        var h = _world.StepHours;
        var month = _world.TimeAt(t).ToOffset(WattBit.Time.Jst.Offset).Month - 1;
        for (var a = 0; a < _areaTotals.Length; a++)
        {
            var e = _areaDraw[a] * h;
            var absorbed = Math.Min(_areaDraw[a], _world.CurtailedMw[a][t]) * h;
            _monthly[month] += absorbed;
            _areaTotals[a] += new AreaTotals(e, e * 1000 * _world.Price[a][t], e * _world.CarbonLifecycle[a][t] / 1000,
                e * _world.CarbonDirect[a][t] / 1000, absorbed);
        }
    }

    /// <summary>The measured result of the run.</summary>
    public PolicyResult ToResult(Scenarios.PolicyKind kind, JobLedger ledger, BatteryBank batteries, int unservedJobs, double unservedMwh, int moved)
    {
        var overall = default(AreaTotals);
        foreach (var a in _areaTotals)
        {
            overall += a;
        }

        return new PolicyResult(kind, overall, _areaTotals, _monthly, SiteStepsOver, StepsOver, _byKind, ledger.LateJobs, ledger.LateMwh, unservedJobs,
            unservedMwh, InferenceUnservedItMwh, InferenceMissSteps, ServedItMwh, moved, _siteEnergy, ledger.WatchSite, ledger.WatchStack)
        {
            CurtailedJobItMwh = ClippedJobItMwh + ledger.LostMwh,
            JobsResumed = ledger.Resumed,
            JobsLostToOrders = ledger.Lost,
            BatteryChargedMwh = batteries.ChargedMwh,
            BatteryDischargedMwh = batteries.DischargedMwh,
            BatteryEnergyChangeMwh = batteries.EnergyChangeMwh,
            BatteryCycles = batteries.Cycles,
            Batteries = batteries.Count,
            BatteryLifecycleTonnes = BatteryLifecycleTonnes,
            BatteryCostYen = BatteryCostYen,
            BatteriesIdle = batteries.Idle,
            OrderStepsMet = OrdersMet,
            OrderStepsMissed = OrdersMissed,
            SiteItMw = SiteItMw,
            SiteGridMw = SiteGridMw,
        };
    }
}
