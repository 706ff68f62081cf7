using System.Text.Json;
using Ops.Contracts.Catalog;
using Ops.Grains.Remediation;
using Ops.Grains.Tests.Infrastructure;

namespace Ops.Grains.Tests.Remediation;

public sealed class HttpStepTests : IAsyncLifetime
{
    private readonly OutboundServices _services = new();
    private LoopbackReceiver _target = null!;

    public async Task InitializeAsync() => _target = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        _services.Dispose();
    }

    [Fact]
    public async Task An_http_step_sends_the_filled_request_with_the_idempotency_key_and_succeeds_on_2xx()
    {
        _target.Respond = (_, _) => (202, "restarting");
        var step = new RunbookStep
        {
            Name = "restart",
            Kind = StepKind.Http,
            Http = new HttpCallSpec
            {
                Url = _target.Url("/restart/{{label.pod}}?product={{product}}"),
                Body = """{"pod":"{{label.pod}}","fingerprint":"{{ fingerprint }}"}""",
                Headers = new Dictionary<string, string> { ["X-Product"] = "{{product}}" },
            },
        };

        var outcome = await _services.Executor.RunAsync(step, Context(labels: new() { ["pod"] = "web \"1\"/a?b" }), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(202, outcome.StatusCode);
        Assert.Equal("restarting", outcome.Output);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal("run-1/restart", outcome.IdempotencyKey);
        var request = Assert.Single(_target.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/restart/web%20%221%22%2Fa%3Fb?product=checkout", request.RawTarget);
        Assert.Equal("run-1/restart", request.Header("Idempotency-Key"));
        Assert.Equal("checkout", request.Header("X-Product"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("web \"1\"/a?b", body.RootElement.GetProperty("pod").GetString());
        Assert.Equal("fp-42", body.RootElement.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task A_503_is_retried_with_the_same_idempotency_key_and_the_step_succeeds()
    {
        _target.Respond = (call, _) => call == 0 ? (503, "busy") : (200, "done");

        var outcome = await _services.Executor.RunAsync(HttpStep("/flush"), Context(), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal("done", outcome.Output);
        Assert.Equal(["run-1/restart", "run-1/restart"], _target.Received.Select(r => r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        _target.Respond = (_, _) => (400, "bad pod");

        var outcome = await _services.Executor.RunAsync(HttpStep("/flush"), Context(), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(400, outcome.StatusCode);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal("bad pod", outcome.Output);
        Assert.Contains("400", outcome.Error);
        Assert.Single(_target.Received);
    }

    [Fact]
    public async Task An_attempt_that_outlives_the_steps_timeout_is_retried()
    {
        _target.Delay = call => call == 0 ? TimeSpan.FromSeconds(10) : TimeSpan.Zero;
        _target.Respond = (_, _) => (200, "done");

        var outcome = await _services.Executor.RunAsync(HttpStep("/flush") with { Timeout = TimeSpan.FromMilliseconds(300) }, Context(), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(2, outcome.Attempts);
        Assert.True(outcome.DurationMs < 5000, $"took {outcome.DurationMs} ms");
    }

    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_steps_fail_fast_without_calling_the_target()
    {
        _target.Respond = (_, _) => (503, "down");
        var step = HttpStep("/flush");
        for (var run = 0; run < 5; run++)
        {
            var outcome = await _services.Executor.RunAsync(step, Context(), CancellationToken.None);
            Assert.False(outcome.Succeeded);
            if (outcome.Error!.StartsWith("circuit open", StringComparison.Ordinal))
            {
                break;
            }
        }

        var callsBefore = _target.Received.Count;
        var failedFast = await _services.Executor.RunAsync(step, Context(), CancellationToken.None);

        Assert.False(failedFast.Succeeded);
        Assert.Equal($"circuit open for 127.0.0.1:{_target.BaseUrl.Port}", failedFast.Error);
        Assert.Equal(0, failedFast.Attempts);
        Assert.Equal(callsBefore, _target.Received.Count);
    }

    [Fact]
    public async Task The_output_keeps_only_the_first_4_KB_of_the_response()
    {
        _target.Respond = (_, _) => (200, new string('x', 10_000));

        var outcome = await _services.Executor.RunAsync(HttpStep("/logs"), Context(), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(new string('x', 4096), outcome.Output);
    }

    [Fact]
    public async Task A_template_without_a_value_fails_the_step_without_calling_the_target()
    {
        var outcome = await _services.Executor.RunAsync(HttpStep("/restart/{{label.missing}}"), Context(), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal("template {{label.missing}} has no value for product 'checkout'", outcome.Error);
        Assert.Empty(_target.Received);
    }

    private RunbookStep HttpStep(string path) => new()
    {
        Name = "restart",
        Kind = StepKind.Http,
        Http = new HttpCallSpec { Url = _target.Url(path) },
        Timeout = TimeSpan.FromSeconds(5),
    };

    private static StepContext Context(Dictionary<string, string>? labels = null) => new()
    {
        Product = "checkout",
        IdempotencyKey = "run-1/restart",
        Fingerprint = "fp-42",
        Labels = labels ?? [],
    };
}
