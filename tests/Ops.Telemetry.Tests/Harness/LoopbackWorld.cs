using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ops.Telemetry.Tests.Harness;

/// <summary>
/// Remediation targets and notification channels on loopback: one real HTTP server recording every request with
/// its <c>traceparent</c> header. A path can be told to fail with a status.
/// </summary>
public sealed class LoopbackWorld : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    private LoopbackWorld(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<LoopbackWorld> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var world = new LoopbackWorld(app);
        app.Run(world.HandleAsync);
        await app.StartAsync();
        world.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return world;
    }

    /// <summary>Every request to <paramref name="path"/> answers <paramref name="status"/> from now on.</summary>
    public void Fail(string path, int status = 500) => _failures[path] = status;

    public IReadOnlyList<ReceivedRequest> Received(string path) => [.. _received.Where(r => r.Path == path)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Path.Value ?? "/";
        var traceParent = context.Request.Headers["traceparent"].ToString();
        _received.Enqueue(new ReceivedRequest(path, traceParent.Length > 0 ? traceParent : null, body));
        context.Response.StatusCode = _failures.TryGetValue(path, out var status) ? status : 200;
        await context.Response.WriteAsync("{\"ok\":true}");
    }
}

/// <summary>A request the loopback world received.</summary>
public sealed record ReceivedRequest(string Path, string? TraceParent, string Body);
