using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ops.Runtime.Hosting;
using Ops.Runtime.Testing.Faults;

namespace Ops.Runtime.Testing;

/// <summary>One silo of a <see cref="TestCluster"/>: a host in this process with its own services and store.</summary>
public sealed class TestSilo
{
    internal TestSilo(string name, IHost host, FaultInjectingConnectionFactory faults)
    {
        Name = name;
        Host = host;
        Faults = faults;
    }

    /// <summary>The silo's name (its Silo:SiloName).</summary>
    public string Name { get; }

    /// <summary>The silo's host.</summary>
    public IHost Host { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>The silo's grain factory: calls enter the cluster through this silo.</summary>
    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's inbox.</summary>
    public IInbox Inbox => Services.GetRequiredService<IInbox>();

    /// <summary>What the silo reports about itself.</summary>
    public ISiloDiagnostics Diagnostics => Services.GetRequiredService<ISiloDiagnostics>();

    /// <summary>Faults to inject into this silo's database connections.</summary>
    public FaultInjectingConnectionFactory Faults { get; }

    /// <summary>Whether the silo is running (neither stopped nor killed).</summary>
    public bool IsRunning { get; internal set; }

    /// <summary>Whether the silo is paused (<see cref="TestCluster.PauseSilo"/>).</summary>
    public bool IsPaused => IsRunning && Silo.Paused is not null;

    /// <summary>The silo's id (new for every start; still readable after the silo stopped).</summary>
    public Guid SiloId => _siloId ??= Silo.SiloId;

    private Guid? _siloId;

    /// <summary>The internal (silo-to-silo, HTTP/2 cleartext) port; 0 on SQLite.</summary>
    public int InternalPort => Silo.Transport?.Port ?? 0;

    /// <summary>Calls this silo forwarded to other silos.</summary>
    public long ForwardedCalls => Silo.Transport?.Forwarded ?? 0;

    /// <summary>Responses to forwarded calls that came back over HTTP/2.</summary>
    public long Http2Responses => Silo.Transport?.Http2Responses ?? 0;

    /// <summary>Forwarded calls other silos refused as not theirs (421) or unavailable (503), then retried.</summary>
    public long RefusedForwards => Silo.Transport?.Refused ?? 0;

    /// <summary>
    /// Test hook: the next time this silo routes a call or an append for <paramref name="partitionId"/>, its partition map
    /// says <paramref name="wrongOwner"/> owns it (a stale route).
    /// </summary>
    public void Misroute(int partitionId, TestSilo wrongOwner)
    {
        ArgumentNullException.ThrowIfNull(wrongOwner);
        Silo.Map.InjectStaleRoute(partitionId, new Cluster.PartitionRoute(wrongOwner.SiloId, 0, new Uri($"http://127.0.0.1:{wrongOwner.InternalPort}/")));
    }

    /// <summary>Requests this silo's internal endpoint received from other silos.</summary>
    public long InternalRequestsReceived => Silo.Transport?.Received ?? 0;

    /// <summary>The partitions this silo holds (serving, self-fenced or draining).</summary>
    public IReadOnlyList<int> HeldPartitions => Silo.Partitions.HeldLeases().Select(l => l.PartitionId).ToList();

    internal Silo Silo => Services.GetRequiredService<Silo>();

    /// <inheritdoc />
    public override string ToString() => Name;
}
