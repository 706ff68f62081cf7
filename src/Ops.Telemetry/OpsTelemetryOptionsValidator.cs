using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Ops.Telemetry;

/// <summary>Checks what data annotations cannot: the nested OTLP section and its endpoint.</summary>
internal sealed class OpsTelemetryOptionsValidator : IValidateOptions<OpsTelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, OpsTelemetryOptions options)
    {
        var failures = new List<string>();
        var otlp = options.Otlp;
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(otlp, new ValidationContext(otlp), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => r.ErrorMessage ?? "Telemetry:Otlp is invalid."));
        }

        if (otlp.Enabled && (!Uri.TryCreate(otlp.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"Telemetry:Otlp:Endpoint '{otlp.Endpoint}' is not an absolute http(s) URL; set e.g. http://otel-collector:4317, or leave it empty to export nothing.");
        }

        if (!string.IsNullOrWhiteSpace(otlp.Headers) && otlp.Headers.Split(',').Any(h => !h.Contains('=', StringComparison.Ordinal)))
        {
            failures.Add("Telemetry:Otlp:Headers must be key=value pairs separated by commas.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
