using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Ops.Runtime.Diagnostics;

namespace Ops.Telemetry.Otlp;

/// <summary>
/// Pushes the Ops traces and metrics to an OTLP collector when <c>Telemetry:Otlp:Endpoint</c> is set. Traces: the
/// <see cref="TelemetryNames"/> sources plus ASP.NET Core's request spans (which continue an incoming
/// <c>traceparent</c>) and the HTTP client's; metrics: the <see cref="TelemetryNames"/> meters.
/// </summary>
/// <remarks>
/// A hosted service only for its lifetime: the providers are built when the host resolves its hosted services
/// (before any of them starts, so the silo's start is traced) and flushed when the container disposes it.
/// </remarks>
internal sealed class OtlpExport : IHostedService, IDisposable
{
    private readonly TracerProvider? _traces;
    private readonly MeterProvider? _metrics;

    public OtlpExport(IOptions<OpsTelemetryOptions> options, IHostEnvironment environment)
    {
        var settings = options.Value;
        if (!settings.Otlp.Enabled)
        {
            return;
        }

        var otlp = settings.Otlp;
        var version = typeof(OtlpExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var resource = ResourceBuilder.CreateDefault()
            .AddService(settings.ServiceName, serviceNamespace: "ops", serviceVersion: version, serviceInstanceId: Environment.MachineName + "/" + Environment.ProcessId)
            .AddAttributes([new("deployment.environment.name", environment.EnvironmentName)]);
        var interval = (int)otlp.ExportInterval.TotalMilliseconds;

        _traces = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource([.. TelemetryNames.All, "Microsoft.AspNetCore", "System.Net.Http"])
            .AddOtlpExporter(exporter =>
            {
                Configure(exporter, otlp, "/v1/traces");
                exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = interval;
            })
            .Build();
        _metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter([.. TelemetryNames.All])
            .AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, otlp, "/v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
            })
            .Build();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _traces?.Dispose();
        _metrics?.Dispose();
    }

    private static void Configure(OtlpExporterOptions exporter, OtlpExportOptions otlp, string signalPath)
    {
        var endpoint = otlp.Endpoint!.TrimEnd('/');
        if (otlp.Protocol == OtlpTransport.HttpProtobuf)
        {
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            exporter.Endpoint = new Uri(endpoint + signalPath);
        }
        else
        {
            exporter.Protocol = OtlpExportProtocol.Grpc;
            exporter.Endpoint = new Uri(endpoint);
        }

        if (!string.IsNullOrWhiteSpace(otlp.Headers))
        {
            exporter.Headers = otlp.Headers;
        }
    }
}
