using System.CommandLine;
using System.Text.RegularExpressions;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;

namespace Ops.Cli.Commands;

/// <summary><c>opsctl catalog</c>: change the running catalog from YAML, or re-read silo-config/ from disk.</summary>
internal static partial class CatalogCommands
{
    public static Command Create(GlobalOptions globals, HelpManual manual)
    {
        var group = new Command("catalog", "The running catalog (products, builders, tiers, runbooks): apply YAML, reload silo-config/ from disk.");
        group.Subcommands.Add(Apply(globals, "Apply a YAML file of catalog documents (any kind) to the running catalog: validated offline first, then by the gateway."));
        group.Subcommands.Add(Reload(globals));
        manual.Section(group, """
            The catalog is code: silo-config/catalog/*.yaml and silo-config/runbooks/*.yaml, read at start. Changes made
            through the gateway (apply, products transfer / retire) are kept in the silo's overlay and survive reloads
            and restarts. A cross-entity error (an unknown owner ...) stops at the first invalid entity; entities
            applied before it stay applied, so read the catalog again after a failed apply.

            Examples:
              opsctl runbooks validate billing.yaml && opsctl catalog apply billing.yaml
              opsctl catalog reload
            """);
        return group;
    }

    /// <summary>POST the file to <c>/api/v1/catalog/documents</c>, after the same per-file validation offline.</summary>
    public static Command Apply(GlobalOptions globals, string description)
    {
        var file = new Argument<string>("file") { Description = "A YAML file: one or more documents separated by ---" };
        return new Command("apply", description)
            .With(file)
            .Does(globals, async (context, cancellationToken) =>
            {
                var path = context.Value(file);
                var check = RunbooksCommands.Check(path);
                if (!check.IsValid)
                {
                    check.Print(context.Terminal);
                    context.Terminal.Error($"{path} is invalid; nothing was sent to the gateway.");
                    return ExitCode.Invalid;
                }

                GatewayResponse response;
                try
                {
                    response = await context.Gateway.PostYamlAsync("/api/v1/catalog/documents", await File.ReadAllTextAsync(path, cancellationToken), path, cancellationToken);
                }
                catch (OpsctlException failure) when (failure.Problem is { Errors.Count: > 0 } problem)
                {
                    // The gateway names the body "request"; point the errors at the file instead.
                    foreach (var error in problem.Errors)
                    {
                        context.Terminal.Text(AtFile(path, error.Key, error.Value));
                    }

                    context.Terminal.Error($"{problem.Status} {problem.Title}: {path} was refused (entities before the first invalid one may have been applied; check with 'opsctl runbooks list' / 'products list').");
                    return failure.ExitCode;
                }

                return context.Show<AppliedDocuments>(response, applied =>
                {
                    context.Terminal.Line($"Applied {Styles.Escape(path)}: {RunbooksCommands.Counted(applied.Products, applied.Builders, applied.Tiers, applied.Runbooks)}.");
                });
            });
    }

    /// <summary>
    /// The gateway's <c>request:7:9: spec.tier: ...</c> becomes <c>FILE:7:9: spec.tier: ...</c>; a cross-entity error
    /// located at the API (<c>api:0:0: spec.owner: ...</c>) becomes <c>FILE: spec.owner: ...</c>.
    /// </summary>
    internal static string AtFile(string path, string field, string message)
    {
        var located = Location().Match(message);
        if (!located.Success)
        {
            return $"{path}: {field}: {message}";
        }

        return located.Groups["source"].Value == "request"
            ? $"{path}:{located.Groups["line"].Value}:{located.Groups["column"].Value}: {located.Groups["rest"].Value}"
            : $"{path}: {located.Groups["rest"].Value}";
    }

    [GeneratedRegex(@"^(?<source>.+?):(?<line>\d+):(?<column>\d+): (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex Location();

    private static Command Reload(GlobalOptions globals) =>
        new Command("reload", "Re-read silo-config/catalog and silo-config/runbooks on the silo and apply the API overlay over them; an invalid catalog is refused and the running one kept.")
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.PostAsync("/api/v1/catalog/reload", "catalog", cancellationToken);
                return context.Show<AppliedDocuments>(response, catalog =>
                {
                    context.Terminal.Line($"Reloaded the catalog: {RunbooksCommands.Counted(catalog.Products, catalog.Builders, catalog.Tiers, catalog.Runbooks)}.");
                });
            });
}
