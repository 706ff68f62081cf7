using Ops.Contracts.Catalog;

namespace Ops.Catalog;

/// <summary>
/// The catalog's rules, checked on a whole snapshot, each error pointing at the declaring file, line and field.
/// Entity rules: names, numbers in range (tier 1-3, capacity &gt; 0, maxRunsPerHour ≥ 1, windows and timeouts &gt; 0),
/// absolute http/https URLs and known HTTP methods, step shapes, the command allow-list. Cross-entity rules: owners,
/// dependencies (known, acyclic), escalation tiers (known, no loop, at most one default), a runbook's product and its
/// rollback hook, unique (runbook, version), routing keys and aliases that route to one product only.
/// Unique names per kind are enforced when a snapshot is assembled (a snapshot's maps cannot hold duplicates).
/// </summary>
public static partial class CatalogValidator
{
    private static readonly HashSet<string> HttpMethods = new(StringComparer.Ordinal) { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD" };

    /// <summary>Every rule on <paramref name="snapshot"/>; empty when it is valid.</summary>
    /// <param name="snapshot">The catalog to check.</param>
    /// <param name="allowedCommands">The silo's command allow-list; null skips the command check.</param>
    public static IReadOnlyList<CatalogError> Validate(CatalogSnapshot snapshot, IReadOnlySet<string>? allowedCommands = null) =>
        Validate(snapshot, allowedCommands, new CatalogSourceMap(), crossEntity: true);

    internal static IReadOnlyList<CatalogError> Validate(CatalogSnapshot snapshot, IReadOnlySet<string>? allowedCommands, CatalogSourceMap sources, bool crossEntity)
    {
        var check = new Check(snapshot, sources, allowedCommands, crossEntity);
        foreach (var product in snapshot.Products.Values)
        {
            CheckProduct(check, product);
        }

        foreach (var builder in snapshot.Builders.Values)
        {
            CheckBuilder(check, builder);
        }

        foreach (var tier in snapshot.Tiers.Values)
        {
            CheckTier(check, tier);
        }

        foreach (var runbook in snapshot.Runbooks)
        {
            CheckRunbook(check, runbook);
        }

        if (crossEntity)
        {
            CheckDependencyCycles(check);
            CheckEscalationLoops(check);
            CheckDefaultTier(check);
            CheckRunbookVersions(check);
            CheckRouting(check);
        }

        return Order(check.Errors);
    }

    /// <summary>Errors in reading order: by file, then line, then column (stable for equal positions).</summary>
    internal static IReadOnlyList<CatalogError> Order(IEnumerable<CatalogError> errors) =>
        [.. errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column)];

    private static void CheckName(Check check, object entity, string name, SourceLocation? at)
    {
        if (!CatalogNames.IsValid(name))
        {
            check.Report(entity, at, "metadata.name", $"'{name}' is not a valid name: {CatalogNames.Rule}");
        }
    }

    private static void CheckHttp(Check check, object entity, SourceLocation? at, string field, HttpCallSpec http)
    {
        if (!IsHttpUrl(http.Url))
        {
            check.Report(entity, at, $"{field}.url", $"expected an absolute http:// or https:// URL; found '{http.Url}'");
        }

        if (!HttpMethods.Contains(http.Method))
        {
            check.Report(entity, at, $"{field}.method", $"expected one of {string.Join(", ", HttpMethods)}; found '{http.Method}'");
        }
    }

    private static void CheckChannels(Check check, object entity, SourceLocation? at, IReadOnlyList<ChannelSpec> channels)
    {
        for (var i = 0; i < channels.Count; i++)
        {
            if (!IsHttpUrl(channels[i].Url))
            {
                check.Report(entity, at, $"spec.channels[{i}].url", $"expected an absolute http:// or https:// URL; found '{channels[i].Url}'");
            }
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void CheckMembers(Check check, object entity, SourceLocation? at, IReadOnlyList<MemberSpec> members)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(members[i].Name))
            {
                check.Report(entity, at, $"spec.members[{i}].name", "is required");
            }

            if (members[i].Email is { } email && (email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@')))
            {
                check.Report(entity, at, $"spec.members[{i}].email", $"expected an e-mail address; found '{email}'");
            }
        }
    }

    private static string Known(IEnumerable<string> names, string kind)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count switch
        {
            0 => $"no {kind} are declared",
            <= 12 => $"known {kind}: {string.Join(", ", list)}",
            _ => $"known {kind}: {string.Join(", ", list.Take(12))}, ...",
        };
    }

    /// <summary>One validation pass: the snapshot, where its entities came from, and the errors so far.</summary>
    private sealed class Check(CatalogSnapshot snapshot, CatalogSourceMap sources, IReadOnlySet<string>? allowedCommands, bool crossEntity)
    {
        public CatalogSnapshot Snapshot { get; } = snapshot;

        public IReadOnlySet<string>? AllowedCommands { get; } = allowedCommands;

        public bool CrossEntity { get; } = crossEntity;

        public List<CatalogError> Errors { get; } = [];

        public SourcePosition Locate(object entity, SourceLocation? at, string field) => sources.Locate(entity, at, field);

        public void Report(object entity, SourceLocation? at, string field, string message)
        {
            var position = sources.Locate(entity, at, field);
            Errors.Add(new CatalogError(position.File, position.Line, position.Column, field, message));
        }
    }
}
