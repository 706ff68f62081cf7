using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ops.Grains.Tests.Infrastructure;

/// <summary>A request as it arrived at the loopback receiver.</summary>
internal sealed record ReceivedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, an ephemeral port) standing in for a remediation target or a
/// notification receiver: it records every request and answers what <see cref="Respond"/> says for the n-th call.
/// </summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    private LoopbackReceiver(WebApplication app) => _app = app;

    /// <summary>Status and body of the answer to the call with this 0-based index; 200 with an empty body by default.</summary>
    public Func<int, ReceivedRequest, (int Status, string Body)> Respond { get; set; } = (_, _) => (200, "");

    /// <summary>How long the call with this 0-based index waits before answering; no wait by default.</summary>
    public Func<int, TimeSpan> Delay { get; set; } = _ => TimeSpan.Zero;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        var calls = 0;
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var request = new ReceivedRequest(
                http.Request.Method,
                http.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                await reader.ReadToEndAsync(http.RequestAborted));
            receiver._received.Enqueue(request);
            var call = Interlocked.Increment(ref calls) - 1;
            var (status, body) = receiver.Respond(call, request);
            var delay = receiver.Delay(call);
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            http.Response.StatusCode = status;
            await http.Response.WriteAsync(body, http.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseUrl = new Uri(address);
        return receiver;
    }

    /// <summary>An absolute URL on this receiver.</summary>
    public string Url(string pathAndQuery) => new Uri(BaseUrl, pathAndQuery).ToString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
