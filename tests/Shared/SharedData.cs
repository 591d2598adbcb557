namespace WattBit.Testing;

/// <summary>
/// Finds the team's real public data in <c>../shared/data</c> beside the repository (never copied into it).
/// Missing data fails the test loudly instead of skipping it.
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The absolute path of <c>../shared/data</c>.</summary>
    public static string Root => s_root.Value;

    /// <summary>The repository root (the folder holding WattBit.slnx).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The absolute path of a file or folder under <c>../shared/data</c>; throws when it does not exist.</summary>
    public static string Path(params string[] parts)
    {
        var path = System.IO.Path.Combine([Root, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"Shared data file not found: {path}. Tests need ../shared/data beside the repository.", path);
        }

        return path;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "WattBit.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException($"Cannot find WattBit.slnx above {AppContext.BaseDirectory}.");
    }

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("WATTBIT_SHARED_DATA");
        var root = string.IsNullOrEmpty(env) ? System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared", "data")) : env;
        return Directory.Exists(root)
            ? root
            : throw new DirectoryNotFoundException($"Shared data folder not found at {root} (set WATTBIT_SHARED_DATA to override).");
    }
}
