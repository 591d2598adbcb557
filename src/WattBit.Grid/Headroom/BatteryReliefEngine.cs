using System.Globalization;
using WattBit.Headroom;
using WattBit.Units;

namespace WattBit.Grid.Headroom;

/// <summary>
/// <see cref="IBatteryRelief"/> on a headroom engine's model and series (decision 0146): a battery discharging P MW at
/// bus b is an injection there, balanced like the engine balances extra load, so every flow changes by −P·β_b (β_b the
/// engine's sensitivity of each branch to load at b); the data centre's headroom at bus k is then the formats.md §3 rule
/// (N-0, and N-1 with LODF when the engine computes it) on those flows with k's sensitivities β_k. Without the battery
/// it equals the engine's own headroom. Nodes are bus numbers. Thread-safe (reads the engine only).
/// </summary>
public sealed class BatteryReliefEngine(HeadroomEngine engine) : IBatteryRelief
{
    private readonly HeadroomEngine _engine = engine ?? throw new ArgumentNullException(nameof(engine));

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"{_engine.Sensitivities.Model.Network.Name}: {_engine.Options.Criterion}, {_engine.Options.Balance} balancing, {_engine.Steps} steps");

    /// <inheritdoc/>
    public BatteryRelief Assess(string dcNode, string batteryNode, Power batteryPower)
    {
        var net = _engine.Sensitivities.Model.Network;
        var k = BusIndex(net, dcNode);
        var b = BusIndex(net, batteryNode);
        if (!(batteryPower.Megawatts >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(batteryPower), batteryPower, "the battery's discharge must be non-negative.");
        }

        var betaK = _engine.Sensitivity(k);
        var betaB = _engine.Sensitivity(b);
        var m = betaK.Length;
        var flows = new double[m];
        var shifted = new double[m];
        double without = double.PositiveInfinity, with = double.PositiveInfinity;
        int branchWithout = -1, branchWith = -1;
        for (var t = 0; t < _engine.Steps; t++)
        {
            for (var l = 0; l < m; l++)
            {
                flows[l] = _engine.Series.Flow(l, t);
                shifted[l] = flows[l] - (batteryPower.Megawatts * betaB[l]);
            }

            var (h0, l0) = Headroom(betaK, flows);
            var (h1, l1) = Headroom(betaK, shifted);
            if (h0 < without)
            {
                (without, branchWithout) = (h0, l0);
            }

            if (h1 < with)
            {
                (with, branchWith) = (h1, l1);
            }
        }

        string? Name(int l) => l < 0 ? null : net.Branches[l].Name is { Length: > 0 } n ? n : (l + 1).ToString(CultureInfo.InvariantCulture);
        return new BatteryRelief(dcNode, batteryNode, batteryPower, Power.FromMegawatts(without), Power.FromMegawatts(with), Name(branchWithout), Name(branchWith),
            branchWithout < 0 ? 0 : betaK[branchWithout], branchWithout < 0 ? 0 : -betaB[branchWithout]);
    }

    /// <summary>The headroom for load sensitivities <paramref name="beta"/> on <paramref name="flows"/> (formats.md §3), and the limiting branch.</summary>
    private (double Mw, int Branch) Headroom(double[] beta, double[] flows)
    {
        var options = _engine.Options;
        var model = _engine.Sensitivities.Model;
        var net = model.Network;
        var best = options.CapMw;
        var branch = -1;
        for (var l = 0; l < beta.Length; l++)
        {
            var rate = net.Branches[l].RateA;
            if (model.IsActive(l) && rate > 0 && Limit(beta[l], flows[l], rate, options.Epsilon) is var lim && lim < best)
            {
                (best, branch) = (lim, l);
            }
        }

        if (options.Criterion == ContingencyCriterion.N1)
        {
            foreach (var c in _engine.Contingencies)
            {
                var lodf = _engine.Sensitivities.LodfColumn(c);
                for (var l = 0; l < beta.Length; l++)
                {
                    var rate = net.Branches[l].EmergencyRating;
                    if (l == c || !model.IsActive(l) || !(rate > 0))
                    {
                        continue;
                    }

                    var lim = Limit(beta[l] + (lodf[l] * beta[c]), flows[l] + (lodf[l] * flows[c]), rate, options.Epsilon);
                    if (lim < best)
                    {
                        (best, branch) = (lim, l);
                    }
                }
            }
        }

        return (best, branch);
    }

    private static double Limit(double beta, double flow, double rate, double eps) =>
        beta > eps ? Math.Max(0, (rate - flow) / beta) : beta < -eps ? Math.Max(0, (rate + flow) / -beta) : double.PositiveInfinity;

    private static int BusIndex(Network.PowerNetwork net, string node) =>
        int.TryParse(node, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && net.TryGetBusIndex(number, out var i)
            ? i
            : throw new KeyNotFoundException($"bus '{node}' is not in {net.Name}.");
}
