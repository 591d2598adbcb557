using Microsoft.Extensions.FileProviders;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;

namespace WattBit.Server.Dashboard;

/// <summary>
/// Serves the dashboard (the Vite build of <c>web/</c>, copied to <c>dashboard/</c> beside the binary by the build) at
/// <c>/</c>, with every non-API path falling back to its index.html, and the area map it draws at
/// <c>GET /api/map/areas</c>. When the dashboard was not built (no npm on the build machine), <c>/</c> is a short page
/// that says how to build it; everything else works the same.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>The folder, beside the binary, that holds the built dashboard.</summary>
    public const string FolderName = "dashboard";

    // Everything the page loads comes from this server: a CDN, tile server or web font would be blocked.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Adds the static files and the map route; call after authorization is in the pipeline.</summary>
    public static void Map(WebApplication app)
    {
        var map = app.Services.GetRequiredService<AreaMap>();
        app.MapGet("/api/map/areas", () => Results.Bytes(map.Json, "application/geo+json"))
            .RequireAuthorization(Roles.PublicRead).RejectUnknownQueryParameters().WithTags("Dashboard")
            .WithSummary("Japan's ten TSO areas as a GeoJSON FeatureCollection (properties code, name, nameJa; top-level coarse = built-in shapes).");

        var folder = Path.Combine(AppContext.BaseDirectory, FolderName);
        if (!File.Exists(Path.Combine(folder, "index.html")))
        {
            app.MapGet("/", () => Results.Content(NotBuiltPage, "text/html; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
            return;
        }

        var files = new PhysicalFileProvider(folder);
        var staticFiles = new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = c =>
            {
                // Vite names assets by content hash: cache them for good; index.html must always be revalidated.
                var hashed = c.Context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal);
                c.Context.Response.Headers.CacheControl = hashed ? "public, max-age=31536000, immutable" : "no-cache";
                c.Context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                c.Context.Response.Headers.XContentTypeOptions = "nosniff";
            },
        };
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(staticFiles);
        // Client-side views live in the URL fragment; any other path that is neither a file nor under an API prefix
        // (WattBit's /api, the Carbon Aware SDK's routes, OpenAPI, health) gets the page too, so API clients still get
        // 404 for a wrong route. Routing runs before the static-file middleware: the fallback must not match file names.
        app.MapFallbackToFile("{*path:nonfile:regex(^(?!(api|emissions|locations|sci-scores|openapi|health)(/|$)).*$)}", "index.html", staticFiles)
            .AllowAnonymous().ExcludeFromDescription();
    }

    private const string NotBuiltPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>WattBit: dashboard not built</title></head>
        <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
        <h1>WattBit server</h1>
        <p>The dashboard was not built: <code>npm</code> (Node.js 18 or later) was not found when the server was built.
        The API works: see <a href="/openapi/v1.json">/openapi/v1.json</a>.</p>
        <p>To build the dashboard, install Node.js and npm, then rebuild the server:</p>
        <pre>dotnet build src/WattBit.Server</pre>
        <p lang="ja">ダッシュボードはビルドされていません。Node.js と npm をインストールしてから、サーバーを再ビルドしてください。</p>
        </body></html>
        """;
}
