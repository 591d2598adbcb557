namespace WattBit.Planning.Planner;

/// <summary>A plan under construction, as plain arrays ([site][step]); the packer fills it, the evaluator reads it.</summary>
internal sealed class Schedule
{
    public Schedule(ProblemData d)
    {
        JobItMw = LpRelaxation.Jagged(d.S, d.T);
        InfItMw = LpRelaxation.Jagged(d.S, d.T);
        GpusUsed = LpRelaxation.Jagged(d.S, d.T);
        ChargeMw = LpRelaxation.Jagged(d.S, d.T);
        DischargeMw = LpRelaxation.Jagged(d.S, d.T);
        GenUsedMw = LpRelaxation.Jagged(d.S, d.T);
        GeneratorMw = LpRelaxation.Jagged(d.S, d.T);
        SocMwh = LpRelaxation.Jagged(d.S, d.T);
        Replicas = new int[d.Services.Length][][];
        ServedRps = new double[d.Services.Length][][];
        for (var i = 0; i < d.Services.Length; i++)
        {
            Replicas[i] = new int[d.S][];
            ServedRps[i] = LpRelaxation.Jagged(d.S, d.T);
            for (var s = 0; s < d.S; s++)
            {
                Replicas[i][s] = new int[d.T];
            }
        }

        JobSite = new int[d.Jobs.Length];
        Array.Fill(JobSite, -1);
        JobSteps = new List<int>[d.Jobs.Length];
        JobStepSites = new List<int>?[d.Jobs.Length];
        JobLateMwh = new double[d.Jobs.Length];
        JobUnservedMwh = new double[d.Jobs.Length];
        JobReason = new string[d.Jobs.Length];
        for (var s = 0; s < d.S; s++)
        {
            var soc = d.Problem.Sites[s].Battery is { } b ? b.InitialEnergy.MegawattHours : 0;
            Array.Fill(SocMwh[s], soc);
        }
    }

    public double[][] JobItMw { get; }

    public double[][] InfItMw { get; }

    public double[][] GpusUsed { get; }

    public double[][] ChargeMw { get; }

    public double[][] DischargeMw { get; }

    public double[][] GenUsedMw { get; }

    /// <summary>[site][step] output of the dispatchable on-site generator the plan runs, MW.</summary>
    public double[][] GeneratorMw { get; }

    public double[][] SocMwh { get; }

    /// <summary>[service][site][step] replicas.</summary>
    public int[][][] Replicas { get; }

    /// <summary>[service][site][step] requests/s served.</summary>
    public double[][][] ServedRps { get; }

    public double UnservedInferenceMwh { get; set; }

    public int[] JobSite { get; }

    public List<int>[] JobSteps { get; }

    /// <summary>Per job: the site of each of its steps (parallel to <see cref="JobSteps"/>) when it moves between sites; null when all run at <see cref="JobSite"/>.</summary>
    public List<int>?[] JobStepSites { get; }

    public double[] JobLateMwh { get; }

    public double[] JobUnservedMwh { get; }

    public string[] JobReason { get; }

    public List<string> Notes { get; } = [];
}
