using System.CommandLine;

namespace Ops.Cli.Commands;

/// <summary>Arguments and options several commands share, described once.</summary>
internal static class OpsSymbols
{
    public static Argument<string> IncidentId() => new("incident-id") { Description = "The incident's id (inc-… as 'incidents list' shows it)" };

    public static Argument<string> Product() => new("product") { Description = "The product's catalog name" };

    public static Option<string?> ProductFilter(string description) => new("--product", "-p") { Description = description, HelpName = "product" };

    public static Option<int?> Limit(string description = "At most this many, newest first (1-1000; the gateway's default is 100)")
    {
        var limit = new Option<int?>("--limit", "-n") { Description = description, HelpName = "n" };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n && n is < 1 or > 1000)
            {
                result.AddError($"--limit must be between 1 and 1000; got {n}.");
            }
        });
        return limit;
    }
}
