using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WattBit.Areas;
using WattBit.Cluster;
using WattBit.Data.Storage;
using WattBit.Server.Api;
using WattBit.Server.Compat;
using WattBit.Server.Connections;
using WattBit.Server.Dashboard;
using WattBit.Server.Dispatch;
using WattBit.Server.Events;
using WattBit.Server.Infrastructure;
using WattBit.Server.Orders;
using WattBit.Server.Plans;
using WattBit.Server.Security;
using WattBit.Server.Signals;
using WattBit.Server.Studies;
using WattBit.Time;

namespace WattBit.Server;

/// <summary>Builds the WattBit web application: services, security, limits and every endpoint.</summary>
internal static class ServerHost
{
    /// <summary>
    /// Builds the application. <paramref name="configure"/> lets a test add configuration (keys, store, port) before the
    /// options are read.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, TimeProvider time, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        // Settings next to the binary (appsettings.json), whatever folder the server is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        var options = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        builder.Services.Configure<ServerOptions>(builder.Configuration.GetSection(ServerOptions.Section));

        var store = await WattBitStore.OpenAsync(WattBitStore.ResolveLocation(options.Store), ct).ConfigureAwait(false);
        var catalog = await SignalCatalog.CreateAsync(store, time, options, ct).ConfigureAwait(false);
        // The Carbon Aware SDK's own settings (DataSources:..., LocationDataSourcesConfiguration:...) make the SDK routes a drop-in over its JSON file.
        var sdk = CarbonAwareSdkData.Load(builder.Configuration, AppContext.BaseDirectory);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton<Journals>();
        builder.Services.AddSingleton<EventHub>();
        builder.Services.AddHostedService<SharedEventListener>();
        builder.Services.AddHostedService<Diagnostics.RuntimeTrace>();
        builder.Services.AddSingleton<EventPruner>();
        builder.Services.AddHostedService(s => s.GetRequiredService<EventPruner>());
        builder.Services.AddSingleton<OrderBook>();
        builder.Services.AddSingleton<IdempotencyKeys>();
        builder.Services.AddSingleton<ApiKeyTable>();
        builder.Services.AddSingleton<ClientCertificates>();
        builder.Services.AddSingleton<PlanService>();
        builder.Services.AddHostedService(s => s.GetRequiredService<PlanService>());
        builder.Services.AddSingleton<OptimiserPlans>();
        builder.Services.AddSingleton<SitingJobs>();
        builder.Services.AddSingleton<SimulationJobs>();
        builder.Services.AddSingleton<SiteGrids>();
        builder.Services.AddSingleton<SiteLimits>();
        builder.Services.AddSingleton<SitePower>();
        builder.Services.AddSingleton<DispatchBook>();
        builder.Services.AddSingleton<DispatchService>();
        builder.Services.TryAddSingleton<JobEngines>();
        builder.Services.AddSingleton<DispatchExecutions>();
        builder.Services.AddHostedService(s => s.GetRequiredService<DispatchExecutions>());
        builder.Services.AddSingleton<AreaMap>();
        builder.Services.AddSingleton<Grid.HeadroomLayerHost>();
        builder.Services.AddSingleton<Market.IMarketStore, Market.JournalMarketStore>();
        builder.Services.AddSingleton<Market.MarketBook>();
        builder.Services.AddHostedService<Market.MarketScheduler>();
        builder.Services.AddSingleton<DemandResponse.DrBook>();
        AddOrderRelay(builder);

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.AddServerHeader = false;
            if (options.ClientCertificates?.TrustedCa is { Length: > 0 })
            {
                // HTTPS endpoints (Kestrel:Endpoints) ask for a client certificate; an endpoint may require one
                // (ClientCertificateMode=RequireCertificate). The chain is checked against the configured CA — not the
                // machine's roots — by the authentication handler, which answers 401 naming the problem.
                k.ConfigureHttpsDefaults(h =>
                {
                    h.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                    h.ClientCertificateValidation = (_, _, _) => true;
                });
            }
        });
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxRequestBodyBytes);
        builder.Services.Configure<RouteHandlerOptions>(r => r.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(j =>
        {
            j.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            j.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            j.SerializerOptions.MaxDepth = 16;
            j.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            j.SerializerOptions.RespectNullableAnnotations = true;
            j.SerializerOptions.Converters.Add(new OffsetRequiredConverter());
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi();

        builder.Services.AddWattBitAuthentication(options.Jwt is { SigningKey.Length: > 0 } jwt ? jwt : null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.AnyKey, p => p.RequireAuthenticatedUser())
            .AddPolicy(Roles.PublicRead, p => p.RequireAssertion(c => options.AnonymousSignals || c.User.Identity?.IsAuthenticated == true));

        builder.Services.AddRateLimiter(r =>
        {
            r.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                RateLimitPartition.GetTokenBucketLimiter(
                    ctx.User.Identity?.IsAuthenticated == true ? "key:" + ctx.User.Identity.Name : "ip:" + ctx.Connection.RemoteIpAddress,
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = Math.Max(1, options.Burst),
                        TokensPerPeriod = Math.Max(1, options.RequestsPerSecond),
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            r.OnRejected = async (context, token) =>
            {
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = $"At most {options.RequestsPerSecond} requests per second per key." },
                }).ConfigureAwait(false);
            };
        });

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.Use(Timestamps.RejectQueryTimesWithoutOffset);
        var idempotency = app.Services.GetRequiredService<IdempotencyKeys>();
        app.Use(idempotency.InvokeAsync);

        app.MapOpenApi();
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok", store = store.Description })).WithTags("Health").AllowAnonymous();
        CarbonAwareEndpoints.Map(app, sdk);
        SignalEndpoints.Map(app);
        OperatorEndpoints.Map(app);
        GridEndpoints.Map(app);
        var layerRoutes = HeadroomLayerEndpoints.Group(app);
        HeadroomLayerEndpoints.Map(layerRoutes);
        LimitingLineEndpoints.Map(layerRoutes);
        WhatIfEndpoints.Map(layerRoutes);
        StudyEndpoints.Map(app);
        SitePowerEndpoints.Map(app);
        DispatchEndpoints.Map(app);
        DashboardEndpoints.Map(app);
        MarketEndpoints.Map(app);
        DrEndpoints.Map(app);

        var journalLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WattBit.Server.Journal");
        foreach (var recovery in new[]
                 {
                     app.Services.GetRequiredService<OrderBook>().JournalRecovery, app.Services.GetRequiredService<SiteGrids>().JournalRecovery,
                     app.Services.GetRequiredService<DispatchBook>().JournalRecovery, idempotency.JournalRecovery,
                     app.Services.GetRequiredService<Market.MarketBook>().Recovery, app.Services.GetRequiredService<DemandResponse.DrBook>().Recovery,
                 })
        {
            if (recovery is not null)
            {
                JournalLog.Recovered(journalLog, recovery);
            }
        }
        var layerHost = app.Services.GetRequiredService<Grid.HeadroomLayerHost>();
        _ = app.Services.GetRequiredService<JobEngines>();
        _ = app.Services.GetRequiredService<ClientCertificates>();
        app.Services.GetRequiredService<SitingJobs>().Open();
        app.Services.GetRequiredService<SimulationJobs>().Open();
        app.Services.GetRequiredService<EventHub>().Delivered += e =>
        {
            // The event says what was written (area, metric or node, start, end): only reads that overlap it are forgotten.
            if (e.Type == "signal")
            {
                var w = WrittenWindow(e.Data, "metric");
                catalog.PublishedElsewhere(e.Area, w?.Name, w?.Window);
            }
            else if (e.Type == "headroom")
            {
                if (e.Area is not null && JapanAreas.TryFind(e.Area, out var area) && WrittenWindow(e.Data, "node") is { } w)
                {
                    catalog.Published.Invalidate(SignalEndpoints.HeadroomKey(area, w.Name), w.Window);
                }
                else
                {
                    catalog.Published.Invalidate();
                }

                layerHost.UploadsChanged();
            }
        };
        catalog.Warm();
        app.Lifetime.ApplicationStopped.Register(() => store.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }

    /// <summary>
    /// What a <c>signal</c> or <c>headroom</c> live event says was written: the metric or node (<paramref name="nameField"/>)
    /// and the window [start, end); null when the event's data lacks them (then every cached read is forgotten).
    /// </summary>
    internal static (string Name, TimeWindow Window)? WrittenWindow(object data, string nameField)
    {
        var json = data as JsonElement? ?? JsonSerializer.SerializeToElement(data);
        if (json.ValueKind == JsonValueKind.Object
            && json.TryGetProperty(nameField, out var name) && name.ValueKind == JsonValueKind.String
            && json.TryGetProperty("start", out var start) && start.TryGetDateTimeOffset(out var from)
            && json.TryGetProperty("end", out var end) && end.TryGetDateTimeOffset(out var to)
            && to >= from)
        {
            return (name.GetString()!, new TimeWindow(from, to));
        }

        return null;
    }

    /// <summary>
    /// <c>WattBit:Cluster:Mode</c> absent or <c>None</c>: orders stay in the journal (no Orleans client). <c>Postgres</c>
    /// (or <c>Embedded</c>, a silo on this machine): the server is a client of the cluster, started with the host, and
    /// every issued order is accepted there before it is journalled, and every market clearing is solved by its
    /// market clearing grain (decision 0138).
    /// </summary>
    private static void AddOrderRelay(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ClusterSettings.Section);
        var mode = section["Mode"];
        if (string.IsNullOrWhiteSpace(mode) || string.Equals(mode, "None", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton<IOrderRelay, NoOrderRelay>();
            builder.Services.AddSingleton<Market.IMarketClearer, Market.InProcessMarketClearer>();
            return;
        }

        var settings = section.Get<ClusterSettings>() ?? new ClusterSettings();
        settings.Validate();
        builder.UseOrleansClient(c => c.UseWattBitCluster(settings));
        builder.Services.AddSingleton<IOrderRelay, Cluster.ClusterOrderRelay>();
        builder.Services.AddSingleton<Market.IMarketClearer, Cluster.ClusterMarketClearer>();
    }
}
