using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>Runbook and step rules.</summary>
public static partial class CatalogValidator
{
    private static void CheckRunbook(Check check, RunbookSpec runbook)
    {
        var at = runbook.DeclaredAt;
        CheckName(check, runbook, runbook.Name, at);
        if (runbook.Version < 1)
        {
            check.Report(runbook, at, "spec.version", $"must be 1 or more; found {runbook.Version}");
        }

        if (runbook.Verification.Window <= TimeSpan.Zero)
        {
            check.Report(runbook, at, "spec.verification.window", $"must be longer than 0; found {CatalogDuration.Format(runbook.Verification.Window)}");
        }

        if (runbook.Guardrails.MaxRunsPerHour < 1)
        {
            check.Report(runbook, at, "spec.guardrails.maxRunsPerHour", $"must be 1 or more; found {runbook.Guardrails.MaxRunsPerHour}");
        }

        if (runbook.Guardrails.Cooldown < TimeSpan.Zero)
        {
            check.Report(runbook, at, "spec.guardrails.cooldown", "must not be negative");
        }

        ProductSpec? product = null;
        if (string.IsNullOrWhiteSpace(runbook.Product))
        {
            check.Report(runbook, at, "spec.product", "is required");
        }
        else if (check.CrossEntity && !check.Snapshot.Products.TryGetValue(runbook.Product, out product))
        {
            check.Report(runbook, at, "spec.product", $"unknown product '{runbook.Product}' ({Known(check.Snapshot.Products.Keys, "products")})");
        }

        CheckSteps(check, runbook, product, "spec.diagnostics", runbook.Diagnostics, diagnostics: true);
        CheckSteps(check, runbook, product, "spec.remediation", runbook.Remediation, diagnostics: false);
    }

    private static void CheckSteps(Check check, RunbookSpec runbook, ProductSpec? product, string section, IReadOnlyList<RunbookStep> steps, bool diagnostics)
    {
        var at = runbook.DeclaredAt;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var field = $"{section}[{i}]";
            if (string.IsNullOrWhiteSpace(step.Name))
            {
                check.Report(runbook, at, $"{field}.name", "is required");
            }

            if (step.Timeout <= TimeSpan.Zero)
            {
                check.Report(runbook, at, $"{field}.timeout", $"must be longer than 0; found {CatalogDuration.Format(step.Timeout)}");
            }

            switch (step.Kind)
            {
                case StepKind.Http when step.Http is null:
                    check.Report(runbook, at, $"{field}.http", "an http step needs http.url");
                    break;
                case StepKind.Http:
                    CheckHttp(check, runbook, at, $"{field}.http", step.Http);
                    break;
                case StepKind.Command when string.IsNullOrWhiteSpace(step.Command):
                    check.Report(runbook, at, $"{field}.command", "a command step needs the command's name");
                    break;
                case StepKind.Command when check.AllowedCommands is { } allowed && !allowed.Contains(step.Command!):
                    check.Report(runbook, at, $"{field}.command", $"command '{step.Command}' is not in the silo's allow-list ({(allowed.Count == 0 ? "which is empty" : string.Join(", ", allowed.Order(StringComparer.Ordinal)))})");
                    break;
                case StepKind.Rollback when diagnostics:
                    check.Report(runbook, at, $"{field}.rollback", "a rollback changes the product; it belongs in spec.remediation");
                    break;
                case StepKind.Rollback when product is { Rollback: null }:
                    check.Report(runbook, at, $"{field}.rollback", $"product '{product.Name}' has no rollback hook (declare spec.rollback on the product)");
                    break;
                case StepKind.SignalHistory when !diagnostics:
                    check.Report(runbook, at, $"{field}.signalHistory", "signalHistory is a diagnostic; it belongs in spec.diagnostics");
                    break;
            }
        }
    }

    /// <summary>A runbook version is immutable once declared: (name, version) is unique.</summary>
    private static void CheckRunbookVersions(Check check)
    {
        var seen = new Dictionary<(string, int), RunbookSpec>();
        foreach (var runbook in check.Snapshot.Runbooks)
        {
            if (!seen.TryAdd((runbook.Name, runbook.Version), runbook))
            {
                var first = seen[(runbook.Name, runbook.Version)];
                var firstAt = check.Locate(first, first.DeclaredAt, "metadata.name");
                check.Report(runbook, runbook.DeclaredAt, "metadata.name", $"runbook '{runbook.Name}' version {runbook.Version} is already declared at {firstAt.File}:{firstAt.Line} (raise spec.version for a new version)");
            }
        }
    }
}
