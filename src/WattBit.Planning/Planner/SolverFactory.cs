using Google.OrTools.LinearSolver;

namespace WattBit.Planning.Planner;

/// <summary>
/// Creates OR-Tools solvers with their logs off standard output (where a command may be writing CSV): linear ones
/// (HiGHS first, then the other LP back ends OR-Tools ships) and mixed-integer ones (HiGHS, SCIP, CBC).
/// </summary>
public static class SolverFactory
{
    private static readonly string[] Preference = ["HIGHS", "GLOP", "PDLP", "SCIP", "CBC"];
    private static readonly string[] MipPreference = ["HIGHS", "SCIP", "CBC"];

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
            if (Create(id) is { } solver)
            {
                backend = id;
                return solver;
            }
        }

        throw new InvalidOperationException("OR-Tools could not create any linear solver (HIGHS, GLOP, PDLP, SCIP, CBC).");
    }

    /// <summary>
    /// Creates a mixed-integer solver, trying <paramref name="preferred"/> (an OR-Tools solver id such as "SCIP") first,
    /// then HiGHS, SCIP and CBC; returns the id used in <paramref name="backend"/>. The caller disposes the solver.
    /// </summary>
    /// <exception cref="InvalidOperationException">No MIP back end could be created.</exception>
    public static Solver CreateMip(string? preferred, out string backend)
    {
        foreach (var id in preferred is null ? MipPreference : [preferred, .. MipPreference])
        {
            if (Create(id) is { } solver)
            {
                backend = id;
                return solver;
            }
        }

        throw new InvalidOperationException("OR-Tools could not create any MIP solver (HIGHS, SCIP, CBC).");
    }

    /// <summary>
    /// Stops <paramref name="solver"/> (created by <see cref="CreateMip"/> as <paramref name="backend"/>) after
    /// <paramref name="nodes"/> branch-and-bound nodes: a limit that, unlike a time limit, gives the same answer on every
    /// machine and load. SCIP and HiGHS take it; other back ends ignore it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodes"/> is not positive.</exception>
    public static void LimitNodes(Solver solver, string backend, long nodes)
    {
        ArgumentNullException.ThrowIfNull(solver);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nodes);
        var parameters = backend switch
        {
            "SCIP" => $"limits/nodes = {nodes}",
            "HIGHS" => $"output_flag=false\nmip_max_nodes={nodes}",
            _ => null,
        };
        if (parameters is not null)
        {
            _ = solver.SetSolverSpecificParametersAsString(parameters);
        }
    }

    private static Solver? Create(string id)
    {
        var solver = Solver.CreateSolver(id);
        if (solver is null)
        {
            return null;
        }

        solver.SuppressOutput();
        if (id == "HIGHS")
        {
            // HiGHS prints a banner and its log to standard output unless its own output flag is off (the setter
            // reports false, but the flag does take effect).
            _ = solver.SetSolverSpecificParametersAsString("output_flag=false");
        }

        return solver;
    }
}
