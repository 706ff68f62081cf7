using System.Collections.Concurrent;
using System.Diagnostics;
using Ops.Runtime.Diagnostics;
using Ops.Silo.Testing;
using Ops.Telemetry.Tests.Harness;

namespace Ops.Telemetry.Tests;

/// <summary>One signal, one trace: from the ingest request through the inbox and the grains to the remediation call and the page.</summary>
public sealed class TraceTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private ActivityListener _listener = null!;
    private LoopbackWorld _world = null!;
    private OpsSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => TelemetryNames.All.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _world = await LoopbackWorld.StartAsync();
        _silo = await TelemetrySilo.StartAsync(_world);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _world.DisposeAsync();
        _listener.Dispose();
    }

    [Fact]
    public async Task A_signal_is_traced_from_the_ingest_request_to_the_remediation_call_and_the_page()
    {
        _world.Fail(TelemetrySilo.DrainPath, 503);

        await _silo.SendBacklogSignalAsync("traced");
        await Eventually.HoldsAsync(() => _world.Received(TelemetrySilo.PagePath).Count == 1, "the page to reach shop-team");
        var ingest = Assert.Single(_spans, s => s.Source.Name == TelemetryNames.Ingest && s.DisplayName == "ingest /api/v1/signals");
        var trace = ingest.TraceId;
        await Eventually.HoldsAsync(() => Spans(trace).Any(s => s.OperationName == LoopTracing.NotificationDelivery), "the page's span to end");

        var spans = Spans(trace);
        var remediation = Assert.Single(spans, s => s.OperationName == LoopTracing.RemediationStep);
        Assert.Equal("drain", remediation.GetTagItem("remediation.step"));
        Assert.Equal(ActivityStatusCode.Error, remediation.Status);
        var page = Assert.Single(spans, s => s.OperationName == LoopTracing.NotificationDelivery);
        Assert.Equal("shop-team", page.GetTagItem("notification.recipient"));
        Assert.Contains(spans, s => s.OperationName == "inbox append");
        Assert.Contains(spans, s => s.OperationName == "inbox deliver signal" && (string?)s.GetTagItem("grain.type") == "product");
        Assert.Contains(spans, s => s.OperationName == "inbox deliver message" && (string?)s.GetTagItem("grain.type") == "incident");

        // The outbound calls carried the trace to the remediation target and the page channel.
        Assert.All(_world.Received(TelemetrySilo.DrainPath), r => Assert.Equal(trace.ToString(), TraceIdOf(r.TraceParent)));
        Assert.Equal(trace.ToString(), TraceIdOf(_world.Received(TelemetrySilo.PagePath).Single().TraceParent));
    }

    [Fact]
    public async Task Every_span_of_the_trace_has_its_parent_in_the_trace()
    {
        _world.Fail(TelemetrySilo.DrainPath, 503);

        await _silo.SendBacklogSignalAsync("parented");
        await Eventually.HoldsAsync(() => _world.Received(TelemetrySilo.PagePath).Count == 1, "the page to reach shop-team");
        var ingest = Assert.Single(_spans, s => s.Source.Name == TelemetryNames.Ingest);
        await Eventually.HoldsAsync(() => Spans(ingest.TraceId).Any(s => s.OperationName == LoopTracing.NotificationDelivery), "the page's span to end");

        // A turn's span ends after the messages it sent were handled further down the loop: wait for the stragglers.
        await Eventually.HoldsAsync(() => Orphans(ingest).Count == 0, "every parent span of the trace to end");
        Assert.True(Spans(ingest.TraceId).Count >= 10, $"expected the whole loop in one trace, got {string.Join(", ", Spans(ingest.TraceId).Select(s => s.DisplayName))}");
    }

    private List<Activity> Orphans(Activity root)
    {
        var spans = Spans(root.TraceId);
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        return [.. spans.Where(s => s != root && !ids.Contains(s.ParentSpanId))];
    }

    private List<Activity> Spans(ActivityTraceId trace) => [.. _spans.Where(s => s.TraceId == trace)];

    private static string? TraceIdOf(string? traceParent) => traceParent?.Split('-') is [_, var id, _, _] ? id : null;
}
