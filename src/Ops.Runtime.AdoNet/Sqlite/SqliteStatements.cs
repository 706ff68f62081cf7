using Microsoft.Data.Sqlite;

namespace Ops.Runtime.AdoNet.Sqlite;

/// <summary>The writer connection's prepared statements, reused across batches, bound to the current transaction.</summary>
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, (SqliteCommand Command, SqliteParameter[] Parameters)> _commands = new(StringComparer.Ordinal);

    public SqliteTransaction? Transaction { get; set; }

    /// <summary>
    /// The prepared command for <paramref name="sql"/> with the parameters bound. Each statement is always bound with
    /// the same parameter names in the same order (one call site per statement), so values are set by position.
    /// </summary>
    public SqliteCommand Bind(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var prepared))
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            var bound = new SqliteParameter[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                bound[i] = command.Parameters.AddWithValue(parameters[i].Name, DBNull.Value);
            }

            prepared = (command, bound);
            _commands.Add(sql, prepared);
        }

        prepared.Command.Transaction = Transaction;
        for (var i = 0; i < parameters.Length; i++)
        {
            prepared.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
        }

        return prepared.Command;
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters) => Bind(sql, parameters).ExecuteNonQuery();

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Bind(sql, parameters).ExecuteScalar();

    public void Dispose()
    {
        foreach (var (command, _) in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
