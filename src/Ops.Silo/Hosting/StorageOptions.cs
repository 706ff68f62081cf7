using System.ComponentModel.DataAnnotations;

namespace Ops.Silo.Hosting;

/// <summary>Which database the silo keeps its state in. Section <c>Storage</c> of silo-config.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Sqlite (the embedded default: one silo, one file) or PostgreSql (clusters). The default value is Sqlite.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Where the SQLite database (ops.db) lives; a relative path is relative to the directory holding silo-config/. The default value is "data".</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>The PostgreSQL connection string (Npgsql syntax); required when Provider is PostgreSql.</summary>
    public string? ConnectionString { get; set; }
}

public enum StorageProvider
{
    Sqlite,
    PostgreSql,
}
