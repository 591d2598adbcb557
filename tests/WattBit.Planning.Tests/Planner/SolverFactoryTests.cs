using Google.OrTools.LinearSolver;
using WattBit.Planning.Planner;

namespace WattBit.Planning.Tests.Planner;

public sealed class SolverFactoryTests
{
    /// <summary>
    /// A seeded multi-dimensional knapsack (50 items, 3 capacities at half the total weight each, values strongly correlated with the weights): hard enough
    /// that SCIP has to branch far to prove its optimum (so only a node limit stops it soon).
    /// </summary>
    private static (Solver Solver, string Backend) Knapsack(long? nodeLimit)
    {
        var solver = SolverFactory.CreateMip("SCIP", out var backend);
        if (nodeLimit is { } n)
        {
            SolverFactory.LimitNodes(solver, backend, n);
        }

        var rng = new Random(11);
        const int Items = 50;
        var x = Enumerable.Range(0, Items).Select(i => solver.MakeBoolVar("x" + i)).ToArray();
        var value = new double[Items];
        for (var c = 0; c < 3; c++)
        {
            var weights = Enumerable.Range(0, Items).Select(_ => (double)rng.Next(100, 1000)).ToArray();
            var row = solver.MakeConstraint(double.NegativeInfinity, Math.Floor(weights.Sum() / 2));
            for (var i = 0; i < Items; i++)
            {
                row.SetCoefficient(x[i], weights[i]);
                value[i] += weights[i] / 3;
            }
        }

        // Values strongly correlated with the weights: the classic hard case for branch and bound.
        var objective = solver.Objective();
        for (var i = 0; i < Items; i++)
        {
            objective.SetCoefficient(x[i], Math.Round(value[i]) + 10);
        }

        objective.SetMaximization();
        return (solver, backend);
    }

    [Fact]
    public void LimitNodes_StopsScipAtThatManyNodes()
    {
        // The instance is hard enough that 20 nodes do not prove it (so the limit is what stops the solve, not the optimum).
        var (wider, backend) = Knapsack(nodeLimit: 20);
        Assert.Equal("SCIP", backend);
        Assert.NotEqual(Solver.ResultStatus.OPTIMAL, wider.Solve());
        Assert.InRange(wider.Nodes(), 3, 20);

        var (narrow, _) = Knapsack(nodeLimit: 2);
        Assert.NotEqual(Solver.ResultStatus.OPTIMAL, narrow.Solve());
        Assert.InRange(narrow.Nodes(), 1, 2);
    }
}
