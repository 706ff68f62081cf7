using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Ops.Runtime.Diagnostics;
using Ops.Telemetry.Exposition;
using Ops.Telemetry.Otlp;

namespace Ops.Telemetry;

/// <summary>
/// The paved road of observability: <c>builder.AddOpsTelemetry()</c> and <c>app.MapOpsMetrics()</c> give a host the
/// Ops meters and spans, <c>GET /metrics</c> in the Prometheus text format, and OTLP export when configured.
/// </summary>
public static class OpsTelemetryExtensions
{
    /// <inheritdoc cref="AddOpsTelemetry(IServiceCollection, IConfiguration)"/>
    public static TBuilder AddOpsTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpsTelemetry(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Adds <see cref="OpsTelemetryOptions"/> (section <c>Telemetry</c>, validated at start-up), the ingest and loop
    /// instruments (<see cref="IngestInstruments"/>, <see cref="LoopInstruments"/>; the runtime creates its own), the
    /// collector behind <see cref="MapOpsMetrics"/>, and the OTLP exporter (active only with
    /// <c>Telemetry:Otlp:Endpoint</c>).
    /// </summary>
    public static IServiceCollection AddOpsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OpsTelemetryOptions>()
            .Bind(configuration.GetSection(OpsTelemetryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpsTelemetryOptions>, OpsTelemetryOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<IngestInstruments>();
        services.TryAddSingleton<LoopInstruments>();
        services.TryAddSingleton(sp => new MetricCollector(MetricCollector.MetersOf(sp.GetRequiredService<IMeterFactory>(), TelemetryNames.All)));
        services.AddHostedService<OtlpExport>();
        return services;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c> (<see cref="OpsTelemetryOptions.MetricsPath"/>): every Ops instrument of this host in
    /// the Prometheus text exposition format 0.0.4. Collection starts here, so call it while building the host.
    /// Needs <see cref="AddOpsTelemetry(IServiceCollection, IConfiguration)"/>.
    /// </summary>
    public static IEndpointConventionBuilder MapOpsMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var collector = endpoints.ServiceProvider.GetRequiredService<MetricCollector>();
        var path = endpoints.ServiceProvider.GetRequiredService<IOptions<OpsTelemetryOptions>>().Value.MetricsPath;
        return endpoints.MapGet(path, (HttpContext http) =>
            {
                var text = PrometheusTextWriter.Write(collector.Collect());
                http.Response.ContentType = PrometheusTextWriter.ContentType;
                http.Response.Headers.CacheControl = "no-store";
                return http.Response.WriteAsync(text, http.RequestAborted);
            })
            .WithName("Metrics")
            .ExcludeFromDescription();
    }
}
