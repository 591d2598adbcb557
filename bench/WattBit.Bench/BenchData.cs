namespace WattBit.Bench;

/// <summary>Locates the repository and the team's shared data (../shared/data) for whole-program benchmarks.</summary>
internal static class BenchData
{
    /// <summary>The repository root (the folder holding WattBit.slnx).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>A path under ../shared/data; throws when it does not exist.</summary>
    public static string Path(params string[] parts)
    {
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine([RepoRoot, "..", "shared", "data", .. parts]));
        return File.Exists(path) || Directory.Exists(path) ? path : throw new FileNotFoundException($"Shared data not found: {path}", path);
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            var dir = new DirectoryInfo(start);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "WattBit.slnx")))
            {
                dir = dir.Parent;
            }

            if (dir is not null)
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Cannot find WattBit.slnx above the current directory.");
    }
}
