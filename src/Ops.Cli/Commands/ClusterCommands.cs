using System.CommandLine;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;

namespace Ops.Cli.Commands;

/// <summary><c>opsctl cluster</c>: the runtime under the loop: silos, partition ownership, epochs, leases, inbox lag.</summary>
internal static class ClusterCommands
{
    public static Command Create(GlobalOptions globals, HelpManual manual)
    {
        var command = new Command("cluster", "The runtime: silos, and for each partition its owner, epoch, lease time left and inbox lag.")
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync("/api/v1/cluster", "cluster", cancellationToken);
                if (context.Terminal.Json)
                {
                    context.Terminal.WriteJson(response.Text);
                    return ExitCode.Ok;
                }

                Render(context.Terminal, response.Read<ClusterDocument>());
                return ExitCode.Ok;
            });
        command.Subcommands.Add(Drain(globals));
        manual.Section(command, """
            Grains live in partitions; each partition is leased by one silo at a time, and its epoch grows with every
            change of owner (a write carrying an older epoch is refused: that is the fence). Inbox lag is the number of
            durable inbox records of a partition not yet delivered, as the answering silo sees it ('-' for partitions
            it does not serve).

            Examples:
              opsctl cluster
              opsctl cluster --output json | jq '.partitions | group_by(.ownerSilo) | map({owner: .[0].ownerSilo, n: length})'
            """);
        return command;
    }

    private static Command Drain(GlobalOptions globals)
    {
        var silo = new Argument<string>("silo") { Description = "The silo's name or id" };
        return new Command("drain", "Move a silo's partitions to the others before stopping it. Not available yet: exits 6.")
            .With(silo)
            .Does(globals, (context, _) => throw new OpsctlException(
                ExitCode.Unsupported,
                $"cannot drain {context.Value(silo)}: the gateway has no drain endpoint yet. Stop the silo gracefully instead (SIGTERM or Ctrl+C): it deactivates its grains and releases its partitions, and the other silos take them over."));
    }

    private static void Render(OpsTerminal terminal, ClusterDocument cluster)
    {
        var names = cluster.Silos.ToDictionary(s => s.SiloId, s => s.SiloName);
        var now = terminal.Time.GetUtcNow();
        var silos = Styles.Table("SILO", "ID", "STATUS", "HOST", "PORTS", "PID", "STARTED", "HEARTBEAT", "PARTITIONS");
        foreach (var silo in cluster.Silos.OrderBy(s => s.SiloName, StringComparer.Ordinal))
        {
            silos.Row(
                Styles.Escape(silo.SiloName) + (silo.SiloId == cluster.ThisSilo ? " [grey](answering)[/]" : ""),
                Styles.Escape(silo.SiloId.ToString()),
                Styles.State(silo.Status),
                Styles.Escape(silo.Host),
                $"{silo.SiloPort}/{silo.GatewayPort}",
                silo.ProcessId.ToString(),
                Styles.Age(silo.StartedAt, now) + " ago",
                Styles.Age(silo.HeartbeatAt, now) + " ago",
                cluster.Partitions.Count(p => p.OwnerSilo == silo.SiloId).ToString());
        }

        terminal.Write(silos);
        var partitions = Styles.Table("PARTITION", "OWNER", "EPOCH", "LEASE S", "SERVED HERE", "INBOX LAG");
        foreach (var partition in cluster.Partitions)
        {
            partitions.Row(
                partition.PartitionId.ToString(),
                partition.OwnerSilo is { } owner ? Styles.Escape(names.GetValueOrDefault(owner, owner.ToString())) : "[red]none[/]",
                partition.Epoch.ToString(),
                partition.LeaseRemainingSeconds <= 0 ? "[red]lapsed[/]" : Styles.Number(partition.LeaseRemainingSeconds),
                partition.ServedHere ? "yes" : "",
                partition.InboxLag is { } lag ? (lag > 0 ? $"[yellow]{lag}[/]" : "0") : "-");
        }

        terminal.Write(partitions);
        var served = cluster.Partitions.Count(p => p.ServedHere);
        terminal.Line($"{cluster.Partitions.Count} partitions, {served} served by the answering silo, total inbox lag {cluster.Partitions.Sum(p => p.InboxLag ?? 0)}.");
    }
}
