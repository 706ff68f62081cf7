using System.ComponentModel.DataAnnotations;

namespace Ops.Runtime.AdoNet;

/// <summary>The PostgreSQL store (clusters).</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The Npgsql connection string. Required.</summary>
    [Required(ErrorMessage = "The PostgreSQL store needs a connection string.")]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// How long a lease acquisition waits for a partition row locked by a writer before giving up until the next
    /// attempt (a paused owner holding the row must not stall acquisition). The default value is 1 second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan LeaseLockTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Group-commit loops for fenced writes, each owning the partitions p with p mod WriteGroups = its index: at most
    /// this many write transactions are in flight per silo. The default value is 4.
    /// </summary>
    [Range(1, 256)]
    public int WriteGroups { get; set; } = 4;

    /// <summary>The most fenced units committed in one transaction. The default value is 256.</summary>
    [Range(1, 10_000)]
    public int MaxUnitsPerTransaction { get; set; } = 256;

    /// <summary>The command timeout of store statements. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
