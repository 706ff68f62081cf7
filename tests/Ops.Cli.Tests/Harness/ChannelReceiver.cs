using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ops.Cli.Tests.Harness;

/// <summary>
/// The builders' notification channels and remediation targets: a real HTTP server on loopback answering 200 with
/// <c>{"ok":true}</c> and recording each request (what opsctl sends can be read here too).
/// </summary>
public sealed class ChannelReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    private ChannelReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public static async Task<ChannelReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new ChannelReceiver(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var headers = context.Request.Headers;
            receiver._requests.Enqueue(new ReceivedRequest(
                context.Request.Method, context.Request.Path.Value ?? "/", headers.Authorization.ToString(), headers["X-Ops-Actor"].ToString(), await reader.ReadToEndAsync()));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"ok\":true}");
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A request the receiver answered.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Authorization, string Actor, string Body);
