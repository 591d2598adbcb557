using Microsoft.Playwright;

namespace WattBit.Dashboard.Tests;

/// <summary>
/// One system Chromium (driven by Playwright, never downloaded) on a dashboard server that a subclass starts. A missing
/// /usr/bin/chromium fails every test with a clear message: CI installs it (.ci/run).
/// </summary>
public abstract class ChromiumFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_chromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The dashboard server's address (set by <see cref="StartServerAsync"/>).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Where screenshots go: screenshots/ in the test output folder.</summary>
    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    /// <summary>Starts the server the browser talks to and answers its address.</summary>
    protected abstract Task<Uri> StartServerAsync();

    /// <summary>Stops the server.</summary>
    protected abstract ValueTask StopServerAsync();

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}: the dashboard tests drive the system browser (apt-get install chromium; .ci/run installs it).");
        }

        BaseAddress = await StartServerAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = s_chromiumArgs,
            Timeout = 60_000,
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A fresh page (own session storage) at the dashboard, in English, with the page's errors and any request off the server collected.</summary>
    public async Task<DashboardPage> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = "en-GB",
            TimezoneId = "Asia/Tokyo",
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var result = new DashboardPage(page, BaseAddress);
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("body[data-ready=true]")).ToHaveCountAsync(1);
        return result;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await StopServerAsync();
    }
}

/// <summary>The real server as a process on the real clock (the built WattBit.Server.dll beside the tests) and one Chromium.</summary>
public sealed class BrowserFixture : ChromiumFixture
{
    public ServerProcess Server { get; private set; } = null!;

    protected override async Task<Uri> StartServerAsync()
    {
        Server = await ServerProcess.StartAsync();
        return Server.BaseAddress;
    }

    protected override async ValueTask StopServerAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>A dashboard page and what went wrong on it: script errors and requests to anywhere but the server.</summary>
public sealed class DashboardPage
{
    private readonly List<string> _errors = [];
    private readonly List<string> _offsite = [];

    public DashboardPage(IPage page, Uri server)
    {
        Page = page;
        page.PageError += (_, e) => Add(_errors, e);
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                Add(_errors, m.Text);
            }
        };
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(server.ToString(), StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                Add(_offsite, r.Url);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Fails when the page logged an error or fetched anything from outside the server (a CDN, tiles, fonts).</summary>
    public void AssertClean()
    {
        lock (_errors)
        {
            Assert.True(_errors.Count == 0, "page errors:\n" + string.Join("\n", _errors));
            Assert.True(_offsite.Count == 0, "requests off the server:\n" + string.Join("\n", _offsite));
        }
    }

    /// <summary>Saves a screenshot once every visible chart has finished drawing and animating.</summary>
    public async Task ScreenshotAsync(string name)
    {
        await Assertions.Expect(Page.Locator(".chart:visible[data-settled=false]")).ToHaveCountAsync(0);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.ScreenshotFolder, name + ".png"), FullPage = true });
    }

    /// <summary>Enters an API key in the header field.</summary>
    public async Task UseKeyAsync(string key, string role)
    {
        await Page.FillAsync("#api-key", key);
        await Page.ClickAsync("#key-form button[type=submit]");
        await Assertions.Expect(Page.Locator("#who")).ToHaveAttributeAsync("data-role", role);
    }

    private void Add(List<string> list, string text)
    {
        lock (_errors)
        {
            list.Add(text);
        }
    }
}
