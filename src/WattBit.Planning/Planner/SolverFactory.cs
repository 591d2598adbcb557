using Google.OrTools.LinearSolver;

namespace WattBit.Planning.Planner;

/// <summary>Creates OR-Tools linear solvers: HiGHS first, then the other LP back ends OR-Tools ships.</summary>
public static class SolverFactory
{
    private static readonly string[] Preference = ["HIGHS", "GLOP", "PDLP", "SCIP", "CBC"];

    /// <summary>
    /// Creates the first available linear solver among HiGHS, GLOP, PDLP, SCIP and CBC and returns its id in
    /// <paramref name="backend"/>. The caller disposes the solver.
    /// </summary>
    /// <exception cref="InvalidOperationException">No back end could be created (the native library did not load).</exception>
    public static Solver CreateLinear(out string backend) => CreateLinear(null, out backend);

    /// <summary>Like <see cref="CreateLinear(out string)"/>, trying <paramref name="preferred"/> (an OR-Tools solver id) first.</summary>
    /// <exception cref="InvalidOperationException">No back end could be created.</exception>
    public static Solver CreateLinear(string? preferred, out string backend)
    {
        foreach (var id in preferred is null ? Preference : [preferred, .. Preference])
        {
            var solver = Solver.CreateSolver(id);
            if (solver is not null)
            {
                backend = id;
                return solver;
            }
        }

        throw new InvalidOperationException("OR-Tools could not create any linear solver (HIGHS, GLOP, PDLP, SCIP, CBC).");
    }
}
