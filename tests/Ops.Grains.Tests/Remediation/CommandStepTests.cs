using Ops.Contracts.Catalog;
using Ops.Grains.Remediation;
using Ops.Grains.Tests.Infrastructure;

namespace Ops.Grains.Tests.Remediation;

public sealed class CommandStepTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("ops-grains-tests-").FullName;
    private readonly OutboundServices _services = new(new Dictionary<string, string?>
    {
        ["Remediation:Commands:script:Path"] = "/bin/sh",
        ["Remediation:Commands:script:Arguments:0"] = "-c",
    });

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task An_allow_listed_command_runs_without_a_shell_around_its_arguments_and_sees_the_idempotency_key()
    {
        var step = Script("echo key=$OPS_IDEMPOTENCY_KEY product=$OPS_PRODUCT pod=$0; echo oops >&2", "{{label.pod}}");

        var outcome = await _services.Executor.RunAsync(step, Context(), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(1, outcome.Attempts);
        Assert.Contains("key=run-7/flush product=checkout pod=$(touch pwned); web-1\n", outcome.Output);
        Assert.Contains("oops\n", outcome.Output);
        Assert.False(File.Exists("pwned"));
    }

    [Fact]
    public async Task A_non_zero_exit_fails_the_step_and_is_not_retried()
    {
        var counter = Path.Combine(_scratch, "runs");

        var outcome = await _services.Executor.RunAsync(Script($"echo run >> {counter}; exit 3"), Context(), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal("command 'script' exited with code 3", outcome.Error);
        Assert.Equal(1, outcome.Attempts);
        Assert.Single(File.ReadAllLines(counter));
    }

    [Fact]
    public async Task A_command_that_outlives_its_timeout_is_killed_with_its_children()
    {
        var pidFile = Path.Combine(_scratch, "sleep.pid");
        var step = Script($"echo started; sleep 30 & echo $! > {pidFile}; wait") with { Timeout = TimeSpan.FromSeconds(1) };
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var outcome = await _services.Executor.RunAsync(step, Context(), CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.False(outcome.Succeeded);
        Assert.Equal("timed out after 1 s", outcome.Error);
        Assert.Equal("started\n", outcome.Output);
        Assert.True(await HasEndedAsync(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture)), "sleep 30 is still running");
    }

    [Fact]
    public async Task A_command_that_is_not_allow_listed_runs_nothing()
    {
        var marker = Path.Combine(_scratch, "marker");
        var step = new RunbookStep { Name = "touch", Kind = StepKind.Command, Command = "/usr/bin/touch", Arguments = [marker] };

        var outcome = await _services.Executor.RunAsync(step, Context(), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal("command '/usr/bin/touch' is not allow-listed", outcome.Error);
        Assert.Equal(0, outcome.Attempts);
        Assert.False(File.Exists(marker));
    }

    private static RunbookStep Script(string script, params string[] arguments) => new()
    {
        Name = "flush",
        Kind = StepKind.Command,
        Command = "script",
        Arguments = [script, .. arguments],
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static StepContext Context() => new()
    {
        Product = "checkout",
        IdempotencyKey = "run-7/flush",
        Labels = new Dictionary<string, string> { ["pod"] = "$(touch pwned); web-1" },
    };

    /// <summary>Gone, or a zombie nobody reaped (a container's init may not reap orphans).</summary>
    private static async Task<bool> HasEndedAsync(int pid)
    {
        for (var i = 0; i < 40; i++)
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] is "Z" or "X")
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
