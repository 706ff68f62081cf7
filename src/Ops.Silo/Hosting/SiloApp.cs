using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Ops.Catalog;
using Ops.Contracts;
using Ops.Contracts.Catalog;
using Ops.Gateway.Api;
using Ops.Gateway.Console;
using Ops.Gateway.Ingest;
using Ops.Grains.Hosting;
using Ops.Grains.Products;
using Ops.Runtime;
using Ops.Runtime.AdoNet;
using Ops.Runtime.Catalog;
using Ops.Runtime.Hosting;
using Ops.Runtime.Storage;
using Ops.Silo.Catalog;
using Ops.Silo.Samples;
using Ops.Telemetry;

namespace Ops.Silo.Hosting;

/// <summary>Composes the silo host from silo-config/: the runtime, its store, the HTTP surface.</summary>
public static class SiloApp
{
    /// <summary>Builds the host (configuration, services, endpoints); nothing is started.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var configDirectory = SiloConfiguration.Locate(args);
        builder.Configuration.AddJsonFile(Path.Combine(configDirectory, "appsettings.json"), optional: false, reloadOnChange: false);
        builder.Configuration.AddJsonFile(Path.Combine(configDirectory, $"appsettings.{builder.Environment.EnvironmentName}.json"), optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        customize?.Invoke(builder);

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var databasePath = SiloConfiguration.PrepareDataDirectory(storage, configDirectory);
        var connectionString = storage.Provider == StorageProvider.PostgreSql ? SiloConfiguration.RequireConnectionString(storage) : null;

        // The catalog (silo-config/catalog, silo-config/runbooks, plus API changes) is loaded first when the host
        // starts, before the runtime (hosted services start in registration order): an invalid file stops the silo with
        // every error (file:line:column: field: message). API changes are kept beside the SQLite database for a single
        // silo, in the shared database for a cluster, where every silo polls for the changes the others save.
        var allowedCommands = builder.Configuration.GetSection("Remediation:Commands").GetChildren().Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var catalog = new CatalogService(configDirectory, CatalogOverlayStoreFor(builder.Configuration, connectionString, databasePath), allowedCommands);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton<ICatalogView>(catalog);
        builder.Services.AddHostedService<CatalogInitialization>();
        if (connectionString is not null)
        {
            builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
            builder.Services.AddHostedService<CatalogOverlaySync>();
        }

        builder.Services.AddOpsRuntime(runtime =>
        {
            runtime.AddGrains(typeof(SampleCounterGrain).Assembly);
            runtime.AddGrains(typeof(ProductGrain).Assembly);
            if (connectionString is not null)
            {
                runtime.UsePostgreSql(o => o.ConnectionString = connectionString);
            }
            else
            {
                runtime.UseSqlite(o => o.DatabasePath = databasePath);
            }
        });

        // The membership row advertises the gateway port: the one of the first configured URL unless set explicitly.
        builder.Services.PostConfigure<SiloOptions>(o =>
        {
            if (o.GatewayPort == 0 && SiloConfiguration.FirstUrlPort(builder.Configuration["Urls"]) is { } port)
            {
                o.GatewayPort = port;
            }
        });

        builder.Services.AddOpsGrains(builder.Configuration);
        builder.Services.AddOpsIngest(builder.Configuration);
        builder.AddOpsTelemetry();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // The API speaks the product's one JSON shape (OpsJson): camelCase, enums as kebab-case strings, no nulls.
            o.SerializerOptions.DefaultIgnoreCondition = OpsJson.Options.DefaultIgnoreCondition;
            o.SerializerOptions.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        });
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Ops.Orleans";
            document.Info.Description = "Ingest (Alertmanager, PagerDuty Events v2, generic signals, heartbeats) and the /api/v1 operations API. See docs/api.md.";
            document.Info.Version = "v1";
            document.Servers?.Clear();
            return Task.CompletedTask;
        }));
        builder.Services.AddProblemDetails();
        // Domain failures first (404 / 409 / 400 naming the field), then the runtime's (503 / 504 / 400).
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddExceptionHandler<RuntimeExceptionHandler>();

        // An unreadable /api/v1 body reaches the exception handler, which names the JSON path that broke.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync });
        app.MapOpsMetrics();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync });
        app.MapGet("/", (ISiloDiagnostics silo, IOptions<SiloOptions> options) => TypedResults.Ok(new
        {
            silo = options.Value.SiloName,
            siloId = silo.SiloId,
            cluster = options.Value.ClusterId,
            status = silo.Status.ToString(),
            partitions = new { serving = silo.ServingPartitions.Count, total = silo.PartitionCount },
            activations = silo.ActivationCount,
            version = typeof(SiloApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            tryIt = new[]
            {
                "GET  /api/v1/products",
                "GET  /api/v1/incidents",
                "POST /api/v1/ingest/alertmanager   (Alertmanager webhook v4)",
                "POST /api/v2/alerts                (point Prometheus here as its Alertmanager)",
                "POST /v2/enqueue                   (PagerDuty Events API v2)",
                "POST /api/v1/signals               (generic JSON signal)",
                "GET  /api/v1/portfolio",
                "GET  /health/ready",
            },
        })).ServeConsoleToBrowsers();
        app.MapConsole();
        app.MapOpenApi();
        app.MapIngestEndpoints();
        app.MapIncidentsApiV1();
        app.MapProductsApiV1();
        app.MapPeopleApiV1();
        app.MapCatalogApiV1();
        app.MapClusterApiV1();
        app.MapSampleApiV1();
        app.MapSampleTargetsApiV1();
        return app;
    }

    /// <summary>Where API changes to the catalog are kept: the cluster's database on PostgreSQL, else a file beside ops.db.</summary>
    private static ICatalogOverlayStore CatalogOverlayStoreFor(IConfiguration configuration, string? connectionString, string databasePath)
    {
        if (connectionString is null)
        {
            return new FileCatalogOverlayStore(Path.GetDirectoryName(databasePath)!);
        }

        var silo = configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();
        return new PostgreSqlCatalogOverlayStore(connectionString, silo.ClusterId, silo.SiloName);
    }

    /// <summary>One line saying why the silo could not start and what to change.</summary>
    public static string DescribeStartupFailure(Exception exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException && exception.InnerException is not null)
        {
            exception = exception.InnerException!;
        }

        var message = exception switch
        {
            OptionsValidationException options => string.Join(" ", options.Failures),
            GrainTypeValidationException grains => string.Join(" ", grains.Problems),
            SiloStartupException or StoreInUseException or CatalogInvalidException => exception.Message,
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        return message.ReplaceLineEndings(" ");
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

/// <summary>
/// Maps runtime failures to RFC 7807 problems: retryable unavailability 503 (a partition or silo not serving, or the
/// database not reachable for a moment: a transient <see cref="System.Data.Common.DbException"/>), deadlines 504, bad
/// input 400.
/// </summary>
internal sealed class RuntimeExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            PartitionUnavailableException or SiloUnavailableException => (StatusCodes.Status503ServiceUnavailable, "The grain is not available right now; retry"),
            System.Data.Common.DbException { IsTransient: true } => (StatusCodes.Status503ServiceUnavailable, "The database is not reachable right now; retry"),
            TimeoutException => (StatusCodes.Status504GatewayTimeout, "The call did not complete before its deadline"),
            ArgumentException or FormatException => (StatusCodes.Status400BadRequest, "The request is invalid"),
            _ => (0, string.Empty),
        };
        if (status == 0)
        {
            return false;
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = exception.Message },
        });
    }
}
