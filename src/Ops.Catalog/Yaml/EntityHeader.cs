using Ops.Contracts.Catalog;

namespace Ops.Catalog.Yaml;

/// <summary>What every document says about its entity before the spec: its name, description and where it starts.</summary>
internal sealed record EntityHeader(string? Name, string? Description, SourceLocation DeclaredAt);
