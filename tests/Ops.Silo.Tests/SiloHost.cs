using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ops.Silo.Hosting;

namespace Ops.Silo.Tests;

/// <summary>The real silo host (Kestrel on a free loopback port), built the way Program builds it, over a data directory.</summary>
internal sealed class SiloHost : IAsyncDisposable
{
    private SiloHost(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<SiloHost> StartAsync(string dataDirectory, params string[] extraArgs)
    {
        var app = SiloApp.Build(["--Storage:DataDirectory", dataDirectory, "--Urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", .. extraArgs]);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SiloHost(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async Task<T> GetAsync<T>(string path) => (await Client.GetFromJsonAsync<T>(path))!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
