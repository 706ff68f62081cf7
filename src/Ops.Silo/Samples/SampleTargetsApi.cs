using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ops.Silo.Samples;

/// <summary>
/// Demo stand-ins for the outside world so that the sample portfolio in <c>silo-config/</c> runs end to end on one
/// machine: <c>POST /api/v1/sample/targets/{target}/{action}</c> is a remediation target (restart, scale-out,
/// rollback ...) and <c>POST /api/v1/sample/inbox/{name}</c> a notification channel. Both record what they
/// received (in memory, the last 200 per name, deduplicated by <c>Idempotency-Key</c>) and show it on GET. Point
/// the catalog at real systems in production.
/// </summary>
public static class SampleTargetsApi
{
    private static readonly ConcurrentDictionary<string, SampleRecorder> Recorders = new(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapSampleTargetsApiV1(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/sample").WithTags("Sample targets");
        group.MapPost("/targets/{target}/{action}", (string target, string action, HttpRequest request) => RecordAsync($"targets/{target}/{action}", request));
        group.MapGet("/targets/{target}/{action}", (string target, string action) => Show($"targets/{target}/{action}"));
        group.MapPost("/inbox/{name}", (string name, HttpRequest request) => RecordAsync($"inbox/{name}", request));
        group.MapGet("/inbox/{name}", (string name) => Show($"inbox/{name}"));
        return routes;
    }

    private static async Task<Ok<SampleReceipt>> RecordAsync(string key, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        var recorder = Recorders.GetOrAdd(key, _ => new SampleRecorder());
        var first = recorder.Record(new SampleCall(DateTimeOffset.UtcNow, idempotencyKey.Length > 0 ? idempotencyKey : null, body.Length > 4096 ? body[..4096] : body));
        return TypedResults.Ok(new SampleReceipt(key, first ? "done" : "already done (same Idempotency-Key)", recorder.Distinct));
    }

    private static Ok<SampleCalls> Show(string key) =>
        TypedResults.Ok(Recorders.TryGetValue(key, out var recorder) ? recorder.Snapshot(key) : new SampleCalls(key, 0, []));

    private sealed class SampleRecorder
    {
        private readonly Lock _lock = new();
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
        private readonly List<SampleCall> _calls = [];

        public int Distinct { get; private set; }

        public bool Record(SampleCall call)
        {
            lock (_lock)
            {
                if (call.IdempotencyKey is { } key && !_keys.Add(key))
                {
                    return false;
                }

                Distinct++;
                _calls.Add(call);
                if (_calls.Count > 200)
                {
                    _calls.RemoveAt(0);
                }

                return true;
            }
        }

        public SampleCalls Snapshot(string key)
        {
            lock (_lock)
            {
                return new SampleCalls(key, Distinct, [.. _calls]);
            }
        }
    }
}

/// <summary>One call a sample target or inbox received.</summary>
public sealed record SampleCall(DateTimeOffset At, string? IdempotencyKey, string Body);

/// <summary>What a sample target answers.</summary>
public sealed record SampleReceipt(string Target, string Outcome, int Distinct);

/// <summary>Everything a sample target or inbox received.</summary>
public sealed record SampleCalls(string Target, int Distinct, IReadOnlyList<SampleCall> Calls);
