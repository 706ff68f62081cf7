using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ops.Silo.Testing;
using Ops.Telemetry.Tests.Harness;

namespace Ops.Telemetry.Tests;

/// <summary>Telemetry:Otlp:Endpoint turns OTLP export on; a bad one stops the silo naming the setting.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Traces_and_metrics_are_pushed_to_the_configured_OTLP_HTTP_endpoint()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, long Length)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        collectorBuilder.Logging.ClearProviders();
        await using var collector = collectorBuilder.Build();
        collector.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path.Value ?? "", context.Request.ContentType, body.Length));
            context.Response.ContentType = "application/x-protobuf";
        });
        await collector.StartAsync();
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var world = await LoopbackWorld.StartAsync();
        await using var silo = await TelemetrySilo.StartAsync(
            world,
            "--Telemetry:Otlp:Endpoint", endpoint,
            "--Telemetry:Otlp:Protocol", "HttpProtobuf",
            "--Telemetry:Otlp:ExportInterval", "00:00:01");

        await silo.SendBacklogSignalAsync("exported");

        await Eventually.HoldsAsync(() => received.Any(r => r.Path == "/v1/traces" && r.Length > 0), "a trace export");
        await Eventually.HoldsAsync(() => received.Any(r => r.Path == "/v1/metrics" && r.Length > 0), "a metrics export");
        Assert.All(received, r => Assert.Equal("application/x-protobuf", r.ContentType));
    }

    [Fact]
    public async Task An_endpoint_that_is_not_an_http_URL_stops_the_silo_naming_the_setting()
    {
        await using var world = await LoopbackWorld.StartAsync();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TelemetrySilo.StartAsync(world, "--Telemetry:Otlp:Endpoint", "collector:4317"));

        Assert.Contains("Telemetry:Otlp:Endpoint", failure.Message, StringComparison.Ordinal);
    }
}
