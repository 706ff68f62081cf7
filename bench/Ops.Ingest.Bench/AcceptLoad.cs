using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Ops.Ingest.Bench;

/// <summary>What one fixed-length accept run measured.</summary>
/// <param name="AlertsPerSecond">Alerts in requests answered 2xx, per second.</param>
/// <param name="RequestsPerSecond">Requests answered 2xx, per second.</param>
/// <param name="LatenciesMs">Every request's latency (ms), sorted.</param>
/// <param name="Failures">Requests answered otherwise or failed.</param>
/// <param name="SelfCores">CPU used by this process (client, and for our silo the server too), in cores.</param>
/// <param name="OtherCores">CPU used by the other server process (Alertmanager), in cores.</param>
internal sealed record AcceptRun(double AlertsPerSecond, double RequestsPerSecond, double[] LatenciesMs, long Failures, double SelfCores, double OtherCores)
{
    public double P50 => Stats.Percentile(LatenciesMs, 50);

    public double P99 => Stats.Percentile(LatenciesMs, 99);
}

/// <summary>
/// The HTTP load: <see cref="AlertStream"/> bodies posted to <c>/api/v2/alerts</c> over a fixed pool of connections
/// (SocketsHttpHandler, MaxConnectionsPerServer = the number of sending loops).
/// </summary>
internal sealed class AcceptLoad : IDisposable
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private readonly HttpClient _client;
    private readonly Uri _alerts;

    public AcceptLoad(Uri server, int connections)
    {
        Connections = connections;
        _alerts = new Uri(server, "/api/v2/alerts");
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public int Connections { get; }

    /// <summary>Closed loop: each connection posts batches of <paramref name="batch"/> back to back for <paramref name="duration"/>.</summary>
    public async Task<AcceptRun> RunAsync(AlertStream stream, int batch, TimeSpan duration, int? otherPid = null)
    {
        var stop = false;
        var samples = new List<double>[Connections];
        var failures = 0L;
        var cpu = new CpuMeter(otherPid);
        var started = Stopwatch.GetTimestamp();
        var loops = Enumerable.Range(0, Connections).Select(w => Task.Run(async () =>
        {
            var mine = new List<double>(50_000);
            while (!Volatile.Read(ref stop))
            {
                var body = stream.Body(stream.Reserve(batch), batch);
                var start = Stopwatch.GetTimestamp();
                if (await PostAsync(body))
                {
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }

            samples[w] = mine;
        })).ToList();
        await Task.Delay(duration);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(loops);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (self, other) = (cpu.SelfCores, cpu.OtherCores);
        var all = samples.SelectMany(s => s).ToArray();
        Array.Sort(all);
        return new AcceptRun(all.Length * (double)batch / elapsed, all.Length / elapsed, all, failures, self, other);
    }

    /// <summary>Posts one body; true when answered 2xx.</summary>
    public async Task<bool> PostAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = s_json;
        try
        {
            using var response = await _client.PostAsync(_alerts, content);
            await response.Content.LoadIntoBufferAsync();
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}
