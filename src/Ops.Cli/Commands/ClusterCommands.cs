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
                return context.Show<ClusterDocument>(response, cluster => Render(context.Terminal, cluster));
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
        var silo = new Argument<string>("silo") { Description = "The silo's name or id (as `opsctl cluster` lists it)" };
        return new Command("drain", "Move a silo's partitions to the others before stopping it: its grains deactivate and save, its leases are released; it stays up, serving nothing.")
            .With(silo)
            .Does(globals, async (context, cancellationToken) =>
            {
                var wanted = context.Value(silo);
                var cluster = (await context.Gateway.GetAsync("/api/v1/cluster", "cluster", cancellationToken)).Read<ClusterDocument>();
                var target = cluster.Silos.FirstOrDefault(s => s.SiloId.ToString() == wanted || s.SiloName == wanted && s.Status != "dead")
                    ?? throw new OpsctlException(ExitCode.NotFound, $"no live silo named or numbered '{wanted}' in the cluster");

                // A silo drains itself: the request goes to the target's own gateway (the answering one, or its advertised address).
                GatewayResponse response;
                if (target.SiloId == cluster.ThisSilo)
                {
                    response = await context.Gateway.PostAsync("/api/v1/cluster/drain", "silo", cancellationToken);
                }
                else
                {
                    var settings = context.Settings with { Gateway = new UriBuilder(context.Settings.Gateway.Scheme, target.Host, target.GatewayPort).Uri };
                    using var gateway = new GatewayClient(settings);
                    response = await gateway.PostAsync("/api/v1/cluster/drain", "silo", cancellationToken);
                }

                if (context.Terminal.Json)
                {
                    context.Terminal.WriteJson(response.Text);
                }
                else
                {
                    context.Terminal.Line($"drained {target.SiloName} ({target.SiloId}): its partitions moved to the other silos");
                }

                return ExitCode.Ok;
            });
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
