using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ops.Silo.Testing;

/// <summary>
/// The outside world on loopback: remediation targets, rollback hooks and notification channels (or a stand-in
/// gateway), one real HTTP server that answers <c>{"ok":true}</c> and records every request (path, method, headers,
/// body, time). A path can be told to fail with a status.
/// </summary>
public sealed class LoopbackWorld : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    private LoopbackWorld(WebApplication app) => _app = app;

    /// <summary>The server's origin, <c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> All => [.. _received];

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

    /// <summary>Requests to <paramref name="path"/> counted once per Idempotency-Key (what the target actually did).</summary>
    public int DistinctActions(string path) => Received(path).Select(r => r.IdempotencyKey ?? Guid.NewGuid().ToString()).Distinct().Count();

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
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _received.Enqueue(new ReceivedRequest(path, context.Request.Method, headers, body, DateTimeOffset.UtcNow));
        context.Response.StatusCode = _failures.TryGetValue(path, out var status) ? status : 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"ok\":true}");
    }
}

/// <summary>A request the loopback world received; <see cref="Headers"/> are matched without regard to case.</summary>
public sealed record ReceivedRequest(string Path, string Method, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    public string? IdempotencyKey => Header("Idempotency-Key");

    /// <summary>The W3C trace context the sender propagated.</summary>
    public string? TraceParent => Header("traceparent");

    public string? Authorization => Header("Authorization");

    /// <summary>The <c>X-Ops-Actor</c> header (opsctl names who acts).</summary>
    public string? Actor => Header("X-Ops-Actor");

    /// <summary>The header's value, or null when it is absent or empty.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}
