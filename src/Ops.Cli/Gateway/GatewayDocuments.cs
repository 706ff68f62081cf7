using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Cli.Gateway;

// The gateway's own answer documents (src/Ops.Gateway/Api, src/Ops.Runtime/Hosting), mirrored here so that opsctl
// depends on the contracts and the catalog only, not on ASP.NET or the runtime. The views inside them are the
// contracts' records; the JSON shape is OpsJson's (camelCase, kebab-case enums, nulls omitted).

/// <summary><c>GET /api/v1/products/{name}</c>: catalog entry, who depends on it, live symptoms, its ops agent.</summary>
internal sealed record ProductDocument(ProductSpec Spec, IReadOnlyList<string> Dependents, ProductView Live, OpsAgentView Agent);

/// <summary><c>GET /api/v1/builders[/{name}]</c>: the catalog entry and the live page book.</summary>
internal sealed record BuilderDocument(BuilderSpec Spec, PagerView Live);

/// <summary><c>GET /api/v1/tiers[/{name}]</c>: the catalog entry and the live page book.</summary>
internal sealed record TierDocument(EscalationTierSpec Spec, PagerView Live);

/// <summary>One builder's load against capacity.</summary>
internal sealed record BuilderLoad(string Builder, double Capacity, double Load, bool OverCapacity, IReadOnlyList<string> OwnedProducts, int PagesInWindow, int IncidentsInWindow, double ToilMinutesInWindow);

/// <summary><c>GET /api/v1/capacity</c>.</summary>
internal sealed record CapacityDocument(IReadOnlyList<BuilderLoad> Builders, IReadOnlyList<CapacityRecommendation> Recommendations);

/// <summary>How many entities a catalog change or reload holds.</summary>
internal sealed record AppliedDocuments(int Products, int Builders, int Tiers, int Runbooks);

/// <summary><c>GET /api/v1/cluster</c>: the silos and partitions in the database, and the answering silo's view.</summary>
internal sealed record ClusterDocument(Guid ThisSilo, IReadOnlyList<SiloEntry> Silos, IReadOnlyList<PartitionEntry> Partitions);

/// <summary>A silo as the cluster table records it; <c>status</c> is joining, active, shutting-down or dead.</summary>
internal sealed record SiloEntry(Guid SiloId, string SiloName, string Host, int SiloPort, int GatewayPort, int ProcessId, string Status, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt);

/// <summary>A partition: owner and epoch from the database; served-here and inbox lag as the answering silo sees them.</summary>
internal sealed record PartitionEntry(int PartitionId, Guid? OwnerSilo, long Epoch, double LeaseRemainingSeconds, bool ServedHere, long? InboxLag);
