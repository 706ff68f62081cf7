using System.ComponentModel.DataAnnotations;

namespace Ops.Runtime.AdoNet;

/// <summary>The SQLite store (the embedded default: one silo, one database file).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file. Required; its directory is created if missing and must be writable.</summary>
    [Required(ErrorMessage = "The SQLite store needs a database path.")]
    public string DatabasePath { get; set; } = string.Empty;

    /// <summary>
    /// How hard a commit is synced: Full survives power loss (the default); Normal survives a crash of the process
    /// but may lose the last commits on power loss or an OS crash. The default value is Full.
    /// </summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>The most writes the single writer commits in one transaction. The default value is 1,024.</summary>
    [Range(1, 100_000)]
    public int MaxWriteBatch { get; set; } = 1024;
}

/// <summary>SQLite's PRAGMA synchronous levels the store supports.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>Sync at every commit (WAL and database): durable across power loss.</summary>
    Full,

    /// <summary>Sync at checkpoints only: durable across process crashes, not power loss.</summary>
    Normal,
}
