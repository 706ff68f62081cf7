using Microsoft.Extensions.Logging;

namespace Ops.Runtime.Diagnostics;

/// <summary>
/// The silo's operator-facing log lines, source-generated with stable event ids: 1xxx activations and turns,
/// 2xxx leases, 3xxx reminders, 4xxx inbox, 5xxx silo lifecycle.
/// </summary>
internal sealed partial class SiloLog
{
    private readonly ILogger _logger;

    public SiloLog(ILogger logger)
    {
        _logger = logger;
    }

    [LoggerMessage(1001, LogLevel.Error, "A work item of {GrainId} ({Turn}) threw outside its turn (async void or runtime fault)")]
    public partial void TurnItemFailed(Exception exception, GrainId grainId, string turn);

    [LoggerMessage(1002, LogLevel.Debug, "Activated {GrainId} on partition {PartitionId} (epoch {Epoch})")]
    public partial void Activated(GrainId grainId, int partitionId, long epoch);

    [LoggerMessage(1003, LogLevel.Warning, "Activation of {GrainId} failed; the call that triggered it gets the exception and the next call tries again")]
    public partial void ActivationFailed(Exception exception, GrainId grainId);

    [LoggerMessage(1004, LogLevel.Warning, "OnDeactivateAsync of {GrainId} failed ({Reason})")]
    public partial void DeactivationFailed(Exception exception, GrainId grainId, string reason);

    [LoggerMessage(1005, LogLevel.Debug, "Deactivated {GrainId} ({Reason})")]
    public partial void Deactivated(GrainId grainId, string reason);

    [LoggerMessage(1006, LogLevel.Warning, "A timer callback of {GrainId} failed; the timer keeps ticking")]
    public partial void TimerCallbackFailed(Exception exception, GrainId grainId);

    [LoggerMessage(1007, LogLevel.Debug, "Collected {Count} idle activations")]
    public partial void IdleCollected(int count);

    [LoggerMessage(2001, LogLevel.Information, "Acquired {Count} partition leases ({Partitions})")]
    public partial void PartitionsAcquired(int count, string partitions);

    [LoggerMessage(2002, LogLevel.Warning, "Lease renewal failed; partitions stop being served at their local validity ({Margin} before expiry) unless a renewal succeeds first")]
    public partial void RenewFailed(Exception exception, TimeSpan margin);

    [LoggerMessage(2003, LogLevel.Warning, "Lost partition {PartitionId} (epoch {Epoch}): another silo owns it now or its lease expired; its activations are deactivated")]
    public partial void PartitionLost(int partitionId, long epoch);

    [LoggerMessage(2004, LogLevel.Information, "Released {Count} partition leases")]
    public partial void PartitionsReleased(int count);

    [LoggerMessage(2005, LogLevel.Warning, "Acquiring partitions failed; retrying")]
    public partial void AcquireFailed(Exception exception);

    [LoggerMessage(2006, LogLevel.Warning, "Releasing partition leases failed; they expire after their TTL instead")]
    public partial void ReleaseFailed(Exception exception);

    [LoggerMessage(2007, LogLevel.Warning, "Membership heartbeat failed")]
    public partial void HeartbeatFailed(Exception exception);

    [LoggerMessage(3001, LogLevel.Warning, "Reading due reminders failed; retrying at the next poll")]
    public partial void ReminderPollFailed(Exception exception);

    [LoggerMessage(3002, LogLevel.Warning, "Reminder '{Name}' of {GrainId} threw; the reminder keeps its schedule")]
    public partial void ReminderTickFailed(Exception exception, GrainId grainId, string name);

    [LoggerMessage(3003, LogLevel.Warning, "Advancing reminder '{Name}' of {GrainId} failed; the tick may be delivered again")]
    public partial void ReminderAdvanceFailed(Exception exception, GrainId grainId, string name);

    [LoggerMessage(3004, LogLevel.Debug, "Reminder '{Name}' of {GrainId} armed for {Due:O} (version {Version}, {Source})")]
    public partial void ReminderArmed(GrainId grainId, string name, DateTimeOffset due, long version, string source);

    [LoggerMessage(3005, LogLevel.Debug, "Reminder '{Name}' of {GrainId} delivered for {Due:O} (version {Version}); advanced to {Next:O} (version {NewVersion})")]
    public partial void ReminderAdvanced(GrainId grainId, string name, DateTimeOffset due, long version, DateTimeOffset next, long newVersion);

    [LoggerMessage(4001, LogLevel.Warning, "Storing {Count} inbox records failed; the appenders were told and nothing was acknowledged")]
    public partial void InboxAppendFailed(Exception exception, int count);

    [LoggerMessage(4002, LogLevel.Warning, "Committing the inbox offset of partition {PartitionId} failed; delivery resumes from the last committed offset after a restart")]
    public partial void InboxCommitFailed(Exception exception, int partitionId);

    [LoggerMessage(4003, LogLevel.Error, "The inbox consumer of partition {PartitionId} failed; it restarts from the committed offset")]
    public partial void InboxConsumerFailed(Exception exception, int partitionId);

    [LoggerMessage(4004, LogLevel.Warning, "Delivering inbox record {PartitionId}:{Offset} to {GrainId} failed (attempt {Attempt}); it will be delivered again")]
    public partial void InboxDeliveryFailed(Exception exception, GrainId grainId, int partitionId, long offset, int attempt);

    [LoggerMessage(4006, LogLevel.Information, "Inbox record {PartitionId}:{Offset} to {GrainId} was refused ({Reason}); it is delivered again once the partition is served, or by its next owner")]
    public partial void InboxDeliveryDeferred(GrainId grainId, int partitionId, long offset, string reason);

    [LoggerMessage(4007, LogLevel.Debug, "Deleted {Count} applied inbox records of partition {PartitionId} older than {Retention}")]
    public partial void InboxTrimmed(int count, int partitionId, TimeSpan retention);

    [LoggerMessage(4008, LogLevel.Warning, "Deleting applied inbox records of partition {PartitionId} failed; retrying at the next trim interval")]
    public partial void InboxTrimFailed(Exception exception, int partitionId);

    [LoggerMessage(4005, LogLevel.Error, "Inbox record {PartitionId}:{Offset} to {GrainId} failed {Attempts} times and was parked as a dead letter; later records of the grain proceed")]
    public partial void InboxRecordParked(Exception exception, GrainId grainId, int partitionId, long offset, int attempts);

    [LoggerMessage(5001, LogLevel.Information, "Silo {SiloName} ({SiloId}) starting: cluster '{ClusterId}', {PartitionCount} partitions, {Dialect} store")]
    public partial void Starting(string siloName, Guid siloId, string clusterId, int partitionCount, string dialect);

    [LoggerMessage(5002, LogLevel.Information, "Silo {SiloName} is serving {Owned} of {PartitionCount} partitions")]
    public partial void Started(string siloName, int owned, int partitionCount);

    [LoggerMessage(5003, LogLevel.Information, "Silo {SiloName} stopping: deactivating {Activations} activations and releasing its partitions")]
    public partial void Stopping(string siloName, int activations);

    [LoggerMessage(5004, LogLevel.Information, "Silo {SiloName} stopped")]
    public partial void Stopped(string siloName);

    [LoggerMessage(5005, LogLevel.Warning, "Silo {SiloName} killed: activations abandoned, leases left to expire")]
    public partial void Killed(string siloName);

    [LoggerMessage(5006, LogLevel.Error, "A background loop of the silo failed: {Loop}")]
    public partial void LoopFailed(Exception exception, string loop);

    [LoggerMessage(6001, LogLevel.Information, "Handing off partition {PartitionId} (epoch {Epoch}): {Reason}")]
    public partial void HandingOff(int partitionId, long epoch, string reason);

    [LoggerMessage(6002, LogLevel.Information, "Handed off partition {PartitionId} (epoch {Epoch}) in {Elapsed}")]
    public partial void HandedOff(int partitionId, long epoch, TimeSpan elapsed);

    [LoggerMessage(6003, LogLevel.Warning, "Partition {PartitionId} did not drain within {Timeout}; releasing it anyway (writes still running are fenced out)")]
    public partial void DrainTimedOut(int partitionId, TimeSpan timeout);

    [LoggerMessage(6004, LogLevel.Warning, "Rebalancing failed; retrying next round")]
    public partial void RebalanceFailed(Exception exception);

    [LoggerMessage(6005, LogLevel.Warning, "This silo's membership row was {Status}; registering it again (its partitions are re-acquired through rebalancing)")]
    public partial void Reregistering(string status);

    [LoggerMessage(6006, LogLevel.Information, "Membership cleanup: {MarkedDead} silo(s) marked dead, {Deleted} dead row(s) deleted")]
    public partial void MembershipCleaned(int markedDead, int deleted);

    [LoggerMessage(6007, LogLevel.Debug, "Forwarding {Method} on {GrainId} (partition {PartitionId}) to silo {Owner} at {Address} failed: {Reason}; retrying")]
    public partial void ForwardRetry(string method, GrainId grainId, int partitionId, Guid owner, Uri address, string reason);

    [LoggerMessage(6008, LogLevel.Information, "Internal silo-to-silo endpoint (HTTP/2 cleartext) listening on {Address}")]
    public partial void TransportListening(string address);

    [LoggerMessage(6009, LogLevel.Warning, "Reading the partition map failed; routing uses the previous map")]
    public partial void MapRefreshFailed(Exception exception);

    [LoggerMessage(6010, LogLevel.Warning, "An internal request ({Path}) failed")]
    public partial void InternalRequestFailed(Exception exception, string path);
}
