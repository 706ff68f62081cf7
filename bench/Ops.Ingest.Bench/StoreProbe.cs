using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Ops.Ingest.Bench;

/// <summary>
/// Reads a running silo's SQLite database (read-only, beside the silo's writer: WAL mode) to say what the loop
/// writes: per grain type, how many grains, how many state writes (the sum of state versions) and how large a state
/// is now (every write rewrites it whole); per inbox record kind, how many records and their average size.
/// </summary>
internal static class StoreProbe
{
    public static IReadOnlyList<string> Describe(string databasePath)
    {
        var lines = new List<string>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly }.ConnectionString);
        connection.Open();
        using (var states = connection.CreateCommand())
        {
            states.CommandText = """
                SELECT grain_type, COUNT(*), SUM(version), AVG(LENGTH(payload)), MAX(LENGTH(payload))
                FROM rt_grain_state GROUP BY grain_type ORDER BY SUM(version) DESC
                """;
            using var reader = states.ExecuteReader();
            while (reader.Read())
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"state {reader.GetString(0),-16} {reader.GetInt64(1),6:N0} grains, {reader.GetInt64(2),8:N0} writes, size now avg {reader.GetDouble(3) / 1024,7:N1} KB, max {reader.GetInt64(4) / 1024.0,7:N1} KB"));
            }
        }

        using (var inbox = connection.CreateCommand())
        {
            inbox.CommandText = "SELECT kind, COUNT(*), AVG(LENGTH(payload)) FROM rt_inbox GROUP BY kind ORDER BY COUNT(*) DESC";
            using var reader = inbox.ExecuteReader();
            while (reader.Read())
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"inbox {reader.GetString(0),-16} {reader.GetInt64(1),8:N0} records kept, avg {reader.GetDouble(2):N0} B"));
            }
        }

        // The file's size per stored inbox record, against the records' own size: a WITHOUT ROWID row larger than
        // about a quarter of a page spills into an overflow page of its own.
        var pageSize = Pragma(connection, "page_size");
        var bytes = pageSize * Pragma(connection, "page_count");
        var records = Scalar(connection, "SELECT COUNT(*) FROM rt_inbox");
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"database {bytes / 1048576.0:N1} MB in {pageSize} B pages: {(records == 0 ? 0 : bytes / records):N0} B of file per inbox record kept"));
        return lines;
    }

    private static long Pragma(SqliteConnection connection, string name) => Scalar(connection, "PRAGMA " + name);

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
