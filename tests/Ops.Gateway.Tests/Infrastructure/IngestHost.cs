using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ops.Contracts.Catalog;
using Ops.Gateway.Ingest;
using Ops.Runtime;

namespace Ops.Gateway.Tests.Infrastructure;

/// <summary>
/// A minimal web application with the ingest endpoints on Kestrel (real HTTP over loopback, a free port), wired with
/// AddOpsIngest; the inbox is a recorder, the catalog fixed, the clock a test clock.
/// </summary>
internal sealed class IngestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngestHost(WebApplication app, HttpClient client, RecordingInbox inbox, TestClock clock)
    {
        _app = app;
        Client = client;
        Inbox = inbox;
        Clock = clock;
    }

    public RecordingInbox Inbox { get; }

    public TestClock Clock { get; }

    public HttpClient Client { get; }

    public static async Task<IngestHost> StartAsync(params (string Key, string Value)[] settings)
    {
        var inbox = new RecordingInbox();
        var clock = new TestClock();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton<IInbox>(inbox);
        builder.Services.AddSingleton<IGrainFactory, GrainIds>();
        builder.Services.AddSingleton<ICatalogView, TestCatalog>();
        builder.Services.AddOpsIngest(builder.Configuration);
        var app = builder.Build();
        app.MapIngestEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new IngestHost(app, new HttpClient { BaseAddress = new Uri(address) }, inbox, clock);
    }

    /// <summary>Posts a real sender's captured request, byte for byte, to <paramref name="path"/>.</summary>
    public async Task<HttpResponseMessage> PostFixtureAsync(string fixture, string path)
    {
        using var request = RealSenderRequest.Load(fixture).ToHttpRequest(path);
        return await Client.SendAsync(request);
    }

    /// <summary>Posts <paramref name="json"/> as application/json.</summary>
    public async Task<HttpResponseMessage> PostJsonAsync(string path, string json, string contentType = "application/json")
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Client.PostAsync(path, content);
    }

    /// <summary>The response body as JSON.</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
