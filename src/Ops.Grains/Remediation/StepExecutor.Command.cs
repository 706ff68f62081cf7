using System.Diagnostics;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Grains.Remediation;

internal sealed partial class StepExecutor
{
    /// <summary>How long to wait for a command's output pipes to close after it exited or was killed.</summary>
    private static readonly TimeSpan s_outputGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A command step: only a name of the allow-list runs, as its configured executable with its fixed arguments
    /// followed by the step's (templates filled), without a shell. Exit code 0 succeeds. On timeout the whole process
    /// tree is killed.
    /// </summary>
    private async Task<StepOutcome> RunCommandAsync(RunbookStep step, StepContext context, CancellationToken cancellationToken)
    {
        var name = step.Command;
        if (string.IsNullOrWhiteSpace(name) || !_options.Commands.TryGetValue(name, out var allowed))
        {
            return Failed(step, context, $"command '{name}' is not allow-listed");
        }

        var arguments = new List<string>(allowed.Arguments);
        foreach (var template in step.Arguments)
        {
            if (!StepTemplate.TryFill(template, context, TemplateEscaping.Argument, out var argument, out var error))
            {
                return Failed(step, context, error);
            }

            arguments.Add(argument);
        }

        var output = new BoundedOutput(_options.MaxOutputBytes);
        var (attempt, attempts, failure) = await ExecuteAsync(
            _pipelines.ForCommand(name),
            name,
            step,
            _options.CommandMaxRetryAttempts,
            token => RunProcessAsync(allowed, arguments, context, output, token),
            cancellationToken);

        if (attempt is null)
        {
            return Failed(step, context, failure!, attempts, output.ToString());
        }

        return new StepOutcome
        {
            Step = step.Name,
            Kind = step.Kind,
            Succeeded = attempt.ExitCode == 0,
            Output = output.ToString(),
            Attempts = attempts,
            Error = attempt.ExitCode == 0 ? null : $"command '{name}' exited with code {attempt.ExitCode}",
            IdempotencyKey = context.IdempotencyKey,
        };
    }

    private static async Task<CommandAttempt> RunProcessAsync(
        AllowedCommand allowed,
        IReadOnlyList<string> arguments,
        StepContext context,
        BoundedOutput output,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(allowed.Path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (allowed.WorkingDirectory is not null)
        {
            start.WorkingDirectory = allowed.WorkingDirectory;
        }

        start.Environment["OPS_IDEMPOTENCY_KEY"] = context.IdempotencyKey;
        start.Environment["OPS_PRODUCT"] = context.Product;
        if (context.Fingerprint is not null)
        {
            start.Environment["OPS_FINGERPRINT"] = context.Fingerprint;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{allowed.Path}' did not start");
        process.StandardInput.Close();
        var readers = Task.WhenAll(
            CopyAsync(process.StandardOutput, output),
            CopyAsync(process.StandardError, output));
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await WithinGraceAsync(Task.WhenAll(process.WaitForExitAsync(CancellationToken.None), readers));
            throw;
        }

        // A background child may hold the pipes open after the command exited: its exit code decides, not the pipes.
        await WithinGraceAsync(readers);
        return new CommandAttempt(process.ExitCode);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }
    }

    private static async Task WithinGraceAsync(Task task)
    {
        try
        {
            await task.WaitAsync(s_outputGrace, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // Keep what was read so far.
        }
    }

    private static async Task CopyAsync(StreamReader reader, BoundedOutput output)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            output.Append(buffer.AsSpan(0, read));
        }
    }
}
