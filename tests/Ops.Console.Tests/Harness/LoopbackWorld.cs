using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ops.Console.Tests.Harness;

/// <summary>
/// The outside world on loopback: remediation targets, rollback hooks and notification channels, one real HTTP
/// server recording every request (path, Idempotency-Key, body).
/// </summary>
public sealed class LoopbackWorld : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

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
        _received.Enqueue(new ReceivedRequest(path, context.Request.Method, context.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key ? key : null, body));
        context.Response.StatusCode = 200;
        await context.Response.WriteAsync("{\"ok\":true}");
    }
}

/// <summary>A request the loopback world received.</summary>
public sealed record ReceivedRequest(string Path, string Method, string? IdempotencyKey, string Body);
