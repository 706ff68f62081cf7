using System.ComponentModel.DataAnnotations;

namespace Ops.Telemetry;

/// <summary>The <c>Telemetry</c> section: where metrics are served and whether (and where) telemetry is pushed over OTLP.</summary>
public sealed class OpsTelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The path of the Prometheus text endpoint. Default <c>/metrics</c>.</summary>
    [Required]
    [RegularExpression("^/.*", ErrorMessage = "Telemetry:MetricsPath must start with '/'.")]
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>The <c>service.name</c> of exported traces and metrics. Default <c>ops-silo</c>.</summary>
    [Required]
    public string ServiceName { get; set; } = "ops-silo";

    /// <summary>OTLP export (off unless <see cref="OtlpExportOptions.Endpoint"/> is set).</summary>
    public OtlpExportOptions Otlp { get; set; } = new();
}

/// <summary>The <c>Telemetry:Otlp</c> section.</summary>
public sealed class OtlpExportOptions
{
    /// <summary>
    /// The collector's OTLP endpoint; empty (the default) turns export off. For <see cref="OtlpTransport.Grpc"/> the
    /// gRPC endpoint (e.g. <c>http://otel-collector:4317</c>); for <see cref="OtlpTransport.HttpProtobuf"/> the base
    /// URL (e.g. <c>http://otel-collector:4318</c>), to which <c>/v1/traces</c> and <c>/v1/metrics</c> are appended.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The OTLP transport. Default <see cref="OtlpTransport.Grpc"/>.</summary>
    public OtlpTransport Protocol { get; set; } = OtlpTransport.Grpc;

    /// <summary>
    /// Headers sent with every export, as <c>key=value</c> pairs separated by commas (the format of
    /// <c>OTEL_EXPORTER_OTLP_HEADERS</c>), e.g. an API key. Default none.
    /// </summary>
    public string? Headers { get; set; }

    /// <summary>How often metrics are pushed and the longest a finished span waits in the batch. Default 15 s; 1 s to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Telemetry:Otlp:ExportInterval must be between 00:00:01 and 01:00:00.")]
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether an endpoint is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);
}

/// <summary>The OTLP transports.</summary>
public enum OtlpTransport
{
    /// <summary>OTLP over gRPC (port 4317 by convention).</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies (port 4318 by convention).</summary>
    HttpProtobuf,
}
