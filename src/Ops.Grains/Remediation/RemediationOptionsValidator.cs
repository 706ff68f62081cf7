using Microsoft.Extensions.Options;

namespace Ops.Grains.Remediation;

/// <summary>Checks the command allow-list, which data annotations do not reach.</summary>
internal sealed class RemediationOptionsValidator : IValidateOptions<RemediationOptions>
{
    public ValidateOptionsResult Validate(string? name, RemediationOptions options)
    {
        var failures = new List<string>();
        foreach (var (command, allowed) in options.Commands)
        {
            if (allowed is null || string.IsNullOrWhiteSpace(allowed.Path) || !Path.IsPathFullyQualified(allowed.Path))
            {
                failures.Add($"Remediation:Commands:{command}:Path must be the absolute path of an executable (got '{allowed?.Path}').");
            }
            else if (allowed.WorkingDirectory is { } directory && !Path.IsPathFullyQualified(directory))
            {
                failures.Add($"Remediation:Commands:{command}:WorkingDirectory must be an absolute path (got '{directory}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
