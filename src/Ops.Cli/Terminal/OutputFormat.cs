namespace Ops.Cli.Terminal;

/// <summary>How a command prints what it read: tables for people, or the gateway's JSON for scripts.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
