using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ops.Ingest.Bench;

/// <summary>
/// The outside world on loopback (Kestrel on 127.0.0.1:0): remediation targets (<c>/remediate/{id}</c>) and
/// notification channels (<c>/page/{recipient}</c>, the webhook document whose <c>labels.instance</c> names the alert
/// that opened the incident). Records each arrival's time in the current <see cref="SignalLedger"/> and answers 200.
/// </summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private SignalLedger? _ledger;
    private long _remediationCalls;
    private long _pageCalls;

    private LoopbackReceiver(WebApplication app) => _app = app;

    /// <summary>The receiver's base URL (<c>http://127.0.0.1:port</c>).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Remediation calls received in all (retries included).</summary>
    public long RemediationCalls => Interlocked.Read(ref _remediationCalls);

    /// <summary>Page deliveries received in all.</summary>
    public long PageCalls => Interlocked.Read(ref _pageCalls);

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    /// <summary>Arrivals are recorded in <paramref name="ledger"/> from now on (null: counted only).</summary>
    public void Track(SignalLedger? ledger) => Volatile.Write(ref _ledger, ledger);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        var path = context.Request.Path.Value ?? "/";
        var ledger = Volatile.Read(ref _ledger);
        if (path.StartsWith("/remediate/", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _remediationCalls);
            if (long.TryParse(path.AsSpan("/remediate/".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                ledger?.Remediated(id, arrived);
            }
        }
        else if (path.StartsWith("/page/", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _pageCalls);
            using var page = await JsonDocument.ParseAsync(context.Request.Body);
            if (page.RootElement.TryGetProperty("labels", out var labels)
                && labels.TryGetProperty("instance", out var instance)
                && long.TryParse(instance.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                ledger?.Paged(id, arrived);
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsync("{\"ok\":true}");
    }
}
