using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Grains.Remediation;
using Ops.Grains.Tests.Infrastructure;

namespace Ops.Grains.Tests.Remediation;

public sealed class OtherStepTests
{
    [Fact]
    public async Task A_rollback_without_a_hook_fails()
    {
        using var services = new OutboundServices();
        var step = new RunbookStep { Name = "rollback", Kind = StepKind.Rollback };

        var outcome = await services.Executor.RunAsync(step, new StepContext { Product = "checkout", IdempotencyKey = "k" }, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal("product 'checkout' has no rollback hook", outcome.Error);
        Assert.Equal(0, outcome.Attempts);
    }

    [Fact]
    public async Task A_rollback_calls_the_products_hook_with_the_idempotency_key()
    {
        await using var hook = await LoopbackReceiver.StartAsync();
        using var services = new OutboundServices();
        var context = new StepContext
        {
            Product = "checkout",
            IdempotencyKey = "run-3/rollback",
            RollbackHook = new HttpCallSpec { Url = hook.Url("/deployments/{{product}}/rollback") },
        };

        var outcome = await services.Executor.RunAsync(new RunbookStep { Name = "rollback", Kind = StepKind.Rollback }, context, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        var request = Assert.Single(hook.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/deployments/checkout/rollback", request.RawTarget);
        Assert.Equal("run-3/rollback", request.Header("Idempotency-Key"));
    }

    [Fact]
    public async Task A_signal_history_step_is_left_to_the_agent()
    {
        using var services = new OutboundServices();

        var outcome = await services.Executor.RunAsync(
            new RunbookStep { Name = "history", Kind = StepKind.SignalHistory },
            new StepContext { Product = "checkout", IdempotencyKey = "k" },
            CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("ops agent", outcome.Error);
    }

    [Fact]
    public void A_command_without_an_absolute_path_is_refused_at_start_up()
    {
        using var services = new OutboundServices(new Dictionary<string, string?> { ["Remediation:Commands:flush:Path"] = "flush.sh" });

        var error = Assert.Throws<OptionsValidationException>(() => services.Executor);

        Assert.Contains("Remediation:Commands:flush:Path", error.Message);
    }
}
