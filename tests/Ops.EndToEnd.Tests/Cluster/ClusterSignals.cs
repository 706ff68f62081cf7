using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using Ops.Silo.Testing;

namespace Ops.EndToEnd.Tests.Cluster;

/// <summary>How the cluster tests send signals while a silo dies, and read back what the inbox stored.</summary>
internal static class ClusterSignals
{
    /// <summary>
    /// Posts one generic signal until a gateway answers 202 and returns its id. Signal <paramref name="i"/> goes first
    /// to gateway i % 3; a refused connection or a 503 / 504 moves it to the next gateway. A request that failed
    /// without a clean answer (connection reset, timeout, or a 503 from a gateway whose owner died mid-append: "may or
    /// may not be stored") is retried, so it is acknowledged eventually, and remembered in
    /// <paramref name="ambiguous"/>: it may then be in the inbox twice. Any other status fails the test (a 500 is a bug).
    /// </summary>
    public static async Task<string> SendUntilAcceptedAsync(ClusterProcesses cluster, int i, string body, ConcurrentDictionary<int, byte> ambiguous, SendCounts? counts = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        for (var attempt = 0; ; attempt++)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"signal {i} was never accepted");
            }

            var silo = cluster[(i + cluster.Count + attempt) % cluster.Count];
            if (silo is null || silo.HasExited)
            {
                continue;
            }

            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await silo.Client.PostAsync(new Uri("/api/v1/signals", UriKind.Relative), content);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    return answer.RootElement.GetProperty("signals")[0].GetString()!;
                }

                Assert.True((int)response.StatusCode is 503 or 504, $"signal {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                ambiguous[i] = 0;
                if (counts is not null)
                {
                    Interlocked.Increment(ref counts.ServerErrors);
                }
            }
            catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ConnectionError)
            {
                // Refused: nothing was sent.
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
            {
                ambiguous[i] = 0;
            }

            if (counts is not null)
            {
                Interlocked.Increment(ref counts.Retries);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Every signal record in the cluster's inbox: its id and the value of label <paramref name="label"/> (or null).</summary>
    public static async Task<List<(string Id, string? Label)>> StoredAsync(NpgsqlConnection connection, string clusterId, string label)
    {
        await using var command = new NpgsqlCommand(
            "SELECT j->>'id', j->'labels'->>@label FROM (SELECT convert_from(payload, 'UTF8')::jsonb AS j FROM rt_inbox WHERE cluster_id = @cluster AND kind = 'signal') s",
            connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("label", label);
        var rows = new List<(string, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.IsDBNull(0) ? "" : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return rows;
    }
}

/// <summary>What <see cref="ClusterSignals.SendUntilAcceptedAsync"/> went through, for the test's output.</summary>
internal sealed class SendCounts
{
    public int Retries;
    public int ServerErrors;
}
