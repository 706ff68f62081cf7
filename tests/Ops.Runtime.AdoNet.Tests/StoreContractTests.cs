using System.Text;
using Ops.Runtime.Storage;

namespace Ops.Runtime.AdoNet.Tests;

/// <summary>
/// The storage contract every dialect must meet (IGrainStateStore, ILeaseStore, IReminderStore, IInboxStore):
/// run once against SQLite and once against PostgreSQL.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private const int Partitions = 4;
    private readonly List<IRuntimeStore> _stores = [];

    protected string ClusterId { get; } = $"c{Guid.NewGuid():N}"[..20];

    protected Guid SiloA { get; } = Guid.NewGuid();

    protected Guid SiloB { get; } = Guid.NewGuid();

    protected IRuntimeStore Store { get; private set; } = null!;

    /// <summary>The epoch silo A holds partition 0 under (it owns all partitions at the start of each test).</summary>
    protected long Epoch { get; private set; }

    protected static GrainId Grain(string key) => GrainId.Create("contract.grain", key);

    protected static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    public async Task InitializeAsync()
    {
        if (!IsAvailable())
        {
            return;
        }

        Store = await OpenStoreAsync();
        var leases = await Store.AcquireAsync(SiloA, Enumerable.Range(0, Partitions).ToList(), TimeSpan.FromMinutes(1), takeOverLiveLeases: false, CancellationToken.None);
        Epoch = leases.Single(l => l.PartitionId == 0).Epoch;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    /// <summary>Creates (and later disposes) a store of this dialect on the test database, initialized with 4 partitions.</summary>
    protected async Task<IRuntimeStore> OpenStoreAsync()
    {
        var store = CreateStore();
        _stores.Add(store);
        await store.InitializeAsync(Partitions, CancellationToken.None);
        return store;
    }

    protected abstract IRuntimeStore CreateStore();

    protected abstract bool IsAvailable();

    /// <summary>Skips (or fails) the test when the dialect's server is not configured.</summary>
    protected abstract void RequireDialect();

    protected Task<IReadOnlyList<long>> WriteAsync(params StoreOperation[] operations) =>
        Store.ExecuteAsync(new FencedWrite(SiloA, 0, Epoch, operations), CancellationToken.None);

    [SkippableFact]
    public async Task The_first_write_inserts_version_1_and_each_write_adds_one()
    {
        RequireDialect();
        var grain = Grain("versions");

        Assert.Equal(1, (await WriteAsync(new WriteStateOperation(grain, "s", null, Json("{\"n\":1}"))))[0]);
        Assert.Equal(2, (await WriteAsync(new WriteStateOperation(grain, "s", 1, Json("{\"n\":2}"))))[0]);
        Assert.Equal(3, (await WriteAsync(new WriteStateOperation(grain, "s", 2, Json("{\"n\":3}"))))[0]);

        var stored = await Store.ReadStateAsync(grain, "s", CancellationToken.None);
        Assert.Equal(3, stored!.Version);
        Assert.Equal(3, System.Text.Json.JsonDocument.Parse(stored.Payload!.Value).RootElement.GetProperty("n").GetInt32());
    }

    [SkippableFact]
    public async Task A_write_with_a_stale_version_is_rejected_and_changes_nothing()
    {
        RequireDialect();
        var grain = Grain("stale");
        await WriteAsync(new WriteStateOperation(grain, "s", null, Json("{\"n\":1}")));
        await WriteAsync(new WriteStateOperation(grain, "s", 1, Json("{\"n\":2}")));

        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => WriteAsync(new WriteStateOperation(grain, "s", 1, Json("{\"n\":99}"))));

        Assert.Equal("2", conflict.StoredEtag);
        Assert.Equal("1", conflict.CurrentEtag);
        Assert.Equal(2, (await Store.ReadStateAsync(grain, "s", CancellationToken.None))!.Version);
    }

    [SkippableFact]
    public async Task A_first_insert_over_an_existing_row_is_rejected()
    {
        RequireDialect();
        var grain = Grain("exists");
        await WriteAsync(new WriteStateOperation(grain, "s", null, Json("{}")));

        await Assert.ThrowsAsync<StoreConflictException>(() => WriteAsync(new WriteStateOperation(grain, "s", null, Json("{}"))));
    }

    [SkippableFact]
    public async Task Of_eight_concurrent_first_inserts_exactly_one_wins()
    {
        RequireDialect();
        var grain = Grain("race");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await WriteAsync(new WriteStateOperation(grain, "s", null, Json($"{{\"writer\":{i}}}")));
                return true;
            }
            catch (StoreConflictException)
            {
                return false;
            }
        }));

        Assert.Equal(1, attempts.Count(won => won));
        Assert.Equal(1, (await Store.ReadStateAsync(grain, "s", CancellationToken.None))!.Version);
    }

    [SkippableFact]
    public async Task Clearing_keeps_the_row_without_payload_and_bumps_the_version()
    {
        RequireDialect();
        var grain = Grain("clear");
        await WriteAsync(new WriteStateOperation(grain, "s", null, Json("{\"n\":1}")));

        Assert.Equal(2, (await WriteAsync(new ClearStateOperation(grain, "s", 1)))[0]);

        var stored = await Store.ReadStateAsync(grain, "s", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Null(stored.Payload);
        Assert.Equal(2, stored.Version);
        Assert.Equal(3, (await WriteAsync(new WriteStateOperation(grain, "s", 2, Json("{\"n\":5}"))))[0]);
    }

    [SkippableFact]
    public async Task A_write_under_a_stale_epoch_is_rejected_even_when_its_version_matches()
    {
        RequireDialect();
        var grain = Grain("zombie");
        await WriteAsync(new WriteStateOperation(grain, "s", null, Json("{\"n\":1}")));
        var takeover = await Store.AcquireAsync(SiloB, [0], TimeSpan.FromMinutes(1), takeOverLiveLeases: true, CancellationToken.None);
        Assert.Equal(Epoch + 1, takeover.Single().Epoch);

        await Assert.ThrowsAsync<PartitionOwnershipLostException>(() => WriteAsync(new WriteStateOperation(grain, "s", 1, Json("{\"n\":2}"))));

        Assert.Equal(1, (await Store.ReadStateAsync(grain, "s", CancellationToken.None))!.Version);
        var write = new FencedWrite(SiloB, 0, Epoch + 1, [new WriteStateOperation(grain, "s", 1, Json("{\"n\":3}"))]);
        Assert.Equal(2, (await Store.ExecuteAsync(write, CancellationToken.None))[0]);
    }

    [SkippableFact]
    public async Task A_write_by_a_silo_that_does_not_own_the_partition_is_rejected()
    {
        RequireDialect();
        var write = new FencedWrite(SiloB, 0, Epoch, [new WriteStateOperation(Grain("intruder"), "s", null, Json("{}"))]);

        await Assert.ThrowsAsync<PartitionOwnershipLostException>(() => Store.ExecuteAsync(write, CancellationToken.None));

        Assert.Null(await Store.ReadStateAsync(Grain("intruder"), "s", CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_unit_whose_second_operation_conflicts_writes_nothing_at_all()
    {
        RequireDialect();
        var first = Grain("unit-first");
        var second = Grain("unit-second");
        await WriteAsync(new WriteStateOperation(second, "s", null, Json("{}")));

        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => WriteAsync(
            new WriteStateOperation(first, "s", null, Json("{}")),
            new AdvanceInboxCursorOperation(first, 7),
            new WriteStateOperation(second, "s", 5, Json("{}"))));

        Assert.Equal(2, conflict.OperationIndex);
        Assert.Null(await Store.ReadStateAsync(first, "s", CancellationToken.None));
        Assert.Null(await Store.ReadCursorAsync(first, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Of_eight_concurrent_acquirers_of_a_free_partition_exactly_one_wins_and_the_epoch_rises_by_one()
    {
        RequireDialect();
        await Store.ReleaseAsync(SiloA, [new PartitionLease(0, Epoch)], CancellationToken.None);
        var silos = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();

        var results = await Task.WhenAll(silos.Select(s => Store.AcquireAsync(s, [0], TimeSpan.FromMinutes(1), takeOverLiveLeases: false, CancellationToken.None)));

        var winners = results.Where(r => r.Count == 1).ToList();
        Assert.Single(winners);
        Assert.Equal(Epoch + 1, winners[0][0].Epoch);
        var row = (await Store.ReadPartitionsAsync(CancellationToken.None)).Single(p => p.PartitionId == 0);
        Assert.Equal(Epoch + 1, row.Epoch);
        Assert.Contains(row.OwnerSilo!.Value, silos);
    }

    [SkippableFact]
    public async Task A_live_lease_is_not_acquired_and_an_expired_one_is()
    {
        RequireDialect();
        Assert.Empty(await Store.AcquireAsync(SiloB, [1], TimeSpan.FromMinutes(1), takeOverLiveLeases: false, CancellationToken.None));

        var shortLease = await Store.AcquireAsync(SiloB, [2], TimeSpan.FromMinutes(1), takeOverLiveLeases: true, CancellationToken.None);
        await Store.RenewAsync(SiloB, shortLease, TimeSpan.FromMilliseconds(1), CancellationToken.None);
        await Task.Delay(50);

        var expired = await Store.AcquireAsync(SiloA, [2], TimeSpan.FromMinutes(1), takeOverLiveLeases: false, CancellationToken.None);
        Assert.Equal(shortLease[0].Epoch + 1, expired.Single().Epoch);
    }

    [SkippableFact]
    public async Task Renewal_keeps_held_leases_and_reports_lost_ones_as_missing()
    {
        RequireDialect();
        var held = Enumerable.Range(0, Partitions).Select(p => new PartitionLease(p, Epoch)).ToList();
        var partitions = await Store.ReadPartitionsAsync(CancellationToken.None);
        held = partitions.Select(p => new PartitionLease(p.PartitionId, p.Epoch)).ToList();
        await Store.AcquireAsync(SiloB, [3], TimeSpan.FromMinutes(1), takeOverLiveLeases: true, CancellationToken.None);

        var renewed = await Store.RenewAsync(SiloA, held, TimeSpan.FromMinutes(2), CancellationToken.None);

        Assert.Equal([0, 1, 2], renewed.Order());
        Assert.True((await Store.ReadPartitionsAsync(CancellationToken.None)).Single(p => p.PartitionId == 0).LeaseRemaining > TimeSpan.FromSeconds(90));
    }

    [SkippableFact]
    public async Task A_released_partition_is_acquired_by_another_silo_under_the_next_epoch()
    {
        RequireDialect();
        await Store.ReleaseAsync(SiloA, [new PartitionLease(0, Epoch)], CancellationToken.None);
        var released = (await Store.ReadPartitionsAsync(CancellationToken.None)).Single(p => p.PartitionId == 0);
        Assert.Null(released.OwnerSilo);
        Assert.True(released.LeaseRemaining < TimeSpan.Zero);

        var acquired = await Store.AcquireAsync(SiloB, [0], TimeSpan.FromMinutes(1), takeOverLiveLeases: false, CancellationToken.None);

        Assert.Equal(Epoch + 1, acquired.Single().Epoch);
    }

    [SkippableFact]
    public async Task Reminders_are_upserted_read_when_due_advanced_only_from_their_version_and_deleted()
    {
        RequireDialect();
        var grain = Grain("reminded");
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(1, (await WriteAsync(new UpsertReminderOperation(grain, "beat", TimeSpan.FromMinutes(1), now)))[0]);
        Assert.Equal(2, (await WriteAsync(new UpsertReminderOperation(grain, "beat", TimeSpan.FromMinutes(2), now.AddSeconds(-5))))[0]);
        await WriteAsync(new UpsertReminderOperation(grain, "later", TimeSpan.FromMinutes(1), now.AddHours(1)));

        var due = await Store.ReadDueAsync([0], now, 10, CancellationToken.None);
        var reminder = Assert.Single(due);
        Assert.Equal(("beat", TimeSpan.FromMinutes(2), 2L), (reminder.Name, reminder.Period, reminder.Version));
        Assert.Equal(now.AddSeconds(-5).ToUnixTimeMilliseconds(), reminder.NextDue.ToUnixTimeMilliseconds());
        Assert.Empty(await Store.ReadDueAsync([1, 2], now, 10, CancellationToken.None));

        Assert.Equal(0, (await WriteAsync(new AdvanceReminderOperation(grain, "beat", 1, now.AddMinutes(2))))[0]);
        Assert.Equal(3, (await WriteAsync(new AdvanceReminderOperation(grain, "beat", 2, now.AddMinutes(2))))[0]);
        Assert.Empty(await Store.ReadDueAsync([0], now, 10, CancellationToken.None));

        Assert.Equal(1, (await WriteAsync(new DeleteReminderOperation(grain, "beat")))[0]);
        Assert.Equal(["later"], (await Store.ReadForGrainAsync(grain, CancellationToken.None)).Select(r => r.Name));
    }

    [SkippableFact]
    public async Task Inbox_records_are_stored_under_fences_and_read_back_in_order_byte_for_byte()
    {
        RequireDialect();
        var grain = Grain("inbox");
        var payloads = Enumerable.Range(0, 20).Select(i => new byte[] { 0, (byte)i, 255, 10, 13 }).ToList();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var entries = payloads.Select((p, i) => new InboxEntry(0, i + 1, grain, "signal", p, at)).ToList();

        await Store.AppendAsync(SiloA, [new PartitionLease(0, Epoch)], entries, CancellationToken.None);

        var read = await Store.ReadAsync(0, 5, 100, CancellationToken.None);
        Assert.Equal(Enumerable.Range(5, 16).Select(i => (long)i), read.Select(e => e.Offset));
        Assert.All(read, e => Assert.Equal(payloads[(int)e.Offset - 1], e.Payload.ToArray()));
        Assert.All(read, e => Assert.Equal((grain, "signal", at), (e.Recipient, e.Kind, e.EnqueuedAt)));
        Assert.Equal(new InboxPosition(20, 0), await Store.ReadPositionAsync(0, CancellationToken.None));
    }

    [SkippableFact]
    public async Task An_inbox_append_under_a_lost_fence_stores_nothing()
    {
        RequireDialect();
        await Store.AcquireAsync(SiloB, [1], TimeSpan.FromMinutes(1), takeOverLiveLeases: true, CancellationToken.None);
        var partition1 = (await Store.ReadPartitionsAsync(CancellationToken.None)).Single(p => p.PartitionId == 1);
        var entries = new[] { new InboxEntry(0, 1, Grain("a"), "k", new byte[] { 1 }, DateTimeOffset.UtcNow), new InboxEntry(1, 1, Grain("b"), "k", new byte[] { 2 }, DateTimeOffset.UtcNow) };

        var lost = await Assert.ThrowsAsync<PartitionOwnershipLostException>(() => Store.AppendAsync(SiloA, [new PartitionLease(0, Epoch), new PartitionLease(1, partition1.Epoch - 1)], entries, CancellationToken.None));

        Assert.Equal(1, lost.PartitionId);
        Assert.Empty(await Store.ReadAsync(0, 1, 10, CancellationToken.None));
        Assert.Empty(await Store.ReadAsync(1, 1, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Cursors_and_committed_offsets_only_move_forward()
    {
        RequireDialect();
        var grain = Grain("cursor");
        await WriteAsync(new AdvanceInboxCursorOperation(grain, 5));
        await WriteAsync(new AdvanceInboxCursorOperation(grain, 3));
        await WriteAsync(new CommitInboxOffsetOperation(9));
        await WriteAsync(new CommitInboxOffsetOperation(4));

        Assert.Equal(5, await Store.ReadCursorAsync(grain, CancellationToken.None));
        Assert.Null(await Store.ReadCursorAsync(Grain("never"), CancellationToken.None));
        Assert.Equal(new InboxPosition(9, 9), await Store.ReadPositionAsync(0, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Parked_records_are_kept_with_their_error_and_trimming_removes_only_old_committed_records()
    {
        RequireDialect();
        var grain = Grain("parked");
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        var entries = Enumerable.Range(1, 6).Select(i => new InboxEntry(0, i, grain, "k", new byte[] { (byte)i }, i <= 4 ? old : DateTimeOffset.UtcNow)).ToList();
        await Store.AppendAsync(SiloA, [new PartitionLease(0, Epoch)], entries, CancellationToken.None);
        await WriteAsync(new ParkInboxRecordOperation(grain, 2, "k", new byte[] { 2 }, old, 10, "boom"), new AdvanceInboxCursorOperation(grain, 2));
        await WriteAsync(new CommitInboxOffsetOperation(5));

        var first = await Store.TrimAsync(0, 5, DateTimeOffset.UtcNow.AddDays(-1), 3, CancellationToken.None);
        Assert.Equal([4L, 5L, 6L], (await Store.ReadAsync(0, 1, 10, CancellationToken.None)).Select(e => e.Offset));
        var deleted = first + await Store.TrimAsync(0, 5, DateTimeOffset.UtcNow.AddDays(-1), 3, CancellationToken.None);

        Assert.Equal((3, 4), (first, deleted));
        Assert.Equal([5L, 6L], (await Store.ReadAsync(0, 1, 10, CancellationToken.None)).Select(e => e.Offset));
        Assert.Equal(new InboxPosition(6, 5), await Store.ReadPositionAsync(0, CancellationToken.None));
        var parked = Assert.Single(await Store.ReadParkedAsync(10, CancellationToken.None));
        Assert.Equal((2L, "boom", 10, grain), (parked.Offset, parked.Error, parked.Attempts, parked.Recipient));
    }

    [SkippableFact]
    public async Task Trimming_everything_never_lets_an_offset_be_reused()
    {
        RequireDialect();
        var grain = Grain("trimmed");
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        await Store.AppendAsync(SiloA, [new PartitionLease(0, Epoch)], Enumerable.Range(1, 3).Select(i => new InboxEntry(0, i, grain, "k", new byte[] { 1 }, old)).ToList(), CancellationToken.None);
        await WriteAsync(new CommitInboxOffsetOperation(3));

        await Store.TrimAsync(0, 3, DateTimeOffset.UtcNow, 1000, CancellationToken.None);

        Assert.Equal(new InboxPosition(3, 3), await Store.ReadPositionAsync(0, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Initializing_again_keeps_the_stored_partition_count()
    {
        RequireDialect();
        var again = await Store.InitializeAsync(16, CancellationToken.None);

        Assert.Equal((ClusterId, Partitions, false), (again.ClusterId, again.PartitionCount, again.Created));
        Assert.Equal(Partitions, (await Store.ReadPartitionsAsync(CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task Silo_rows_record_registration_heartbeat_and_status()
    {
        RequireDialect();
        await Store.RegisterSiloAsync(new SiloRegistration(SiloA, "alpha", "10.0.0.1", 7000, 8080, 42), CancellationToken.None);

        Assert.Equal(SiloStatus.Active, await Store.HeartbeatAsync(SiloA, CancellationToken.None));
        await Store.SetSiloStatusAsync(SiloA, SiloStatus.Dead, CancellationToken.None);
        Assert.Null(await Store.HeartbeatAsync(SiloB, CancellationToken.None));

        var silo = Assert.Single(await Store.ReadSilosAsync(CancellationToken.None));
        Assert.Equal(("alpha", "10.0.0.1", 7000, 8080, 42, SiloStatus.Dead), (silo.SiloName, silo.Host, silo.SiloPort, silo.GatewayPort, silo.ProcessId, silo.Status));
    }
}
