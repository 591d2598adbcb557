using System.Text.RegularExpressions;
using WattBit.Testing;

namespace WattBit.Core.Tests;

/// <summary>The README's and docs' relative links name files that exist in the repository (a newcomer reads them in a clone).</summary>
public sealed partial class DocsLinksTests
{
    [GeneratedRegex(@"\]\((?<link>[^)#\s]+)(#[^)]*)?\)")]
    private static partial Regex MarkdownLink();

    [Fact]
    public void EveryRelativeLinkInTheReadmeAndDocs_NamesAFileInTheRepository()
    {
        var root = SharedData.RepoRoot;
        var pages = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .ToList();
        Assert.True(pages.Count > 10, $"found only {pages.Count} pages under {root}");
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var page in pages)
        {
            foreach (Match m in MarkdownLink().Matches(File.ReadAllText(page)))
            {
                var link = m.Groups["link"].Value;
                if (link.Contains("://", StringComparison.Ordinal) || link.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                checkedLinks++;
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, link));
                if (!File.Exists(target) && !Directory.Exists(target))
                {
                    broken.Add($"{Path.GetRelativePath(root, page)}: {link}");
                }
            }
        }

        Assert.True(checkedLinks > 0, "no relative links found; the check would prove nothing");
        Assert.True(broken.Count == 0, "Links to files that do not exist:\n" + string.Join("\n", broken));
    }
}
