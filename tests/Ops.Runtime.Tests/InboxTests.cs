using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Ops.Runtime.Storage;
using Ops.Runtime.Testing;
using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class InboxTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Records_are_applied_to_their_grains_exactly_once_and_in_append_order()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var inbox = cluster.Primary.Inbox;
        var grains = Enumerable.Range(0, 5).Select(i => cluster.GrainFactory.GetGrainId<IInboxCounterGrain>($"ordered-{i}")).ToList();

        for (var i = 0; i < 100; i++)
        {
            await inbox.AppendAsync(grains[i % 5], "test", Encoding.UTF8.GetBytes($"r{i}"));
        }

        for (var g = 0; g < 5; g++)
        {
            var grain = cluster.GrainFactory.GetGrain<IInboxCounterGrain>($"ordered-{g}");
            await WaitForLedgerAsync(grain, 20);
            var ledger = await grain.Ledger();
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"r{(i * 5) + g}"), ledger.Applied);
            Assert.Equal(ledger.Offsets.Order(), ledger.Offsets);
        }
    }

    [Fact]
    public async Task A_batch_append_returns_one_receipt_per_record_with_gap_free_offsets_per_partition()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var recipient = cluster.GrainFactory.GetGrainId<IInboxCounterGrain>("batch");

        var receipts = await cluster.Primary.Inbox.AppendAsync(Enumerable.Range(0, 50).Select(i => new InboxAppend(recipient, "test", Encoding.UTF8.GetBytes($"b{i}"))).ToList());

        Assert.Equal(50, receipts.Count);
        Assert.Single(receipts.Select(r => r.PartitionId).Distinct());
        Assert.Equal(Enumerable.Range(0, 50).Select(i => receipts[0].Offset + i), receipts.Select(r => r.Offset));
        await WaitForLedgerAsync(cluster.GrainFactory.GetGrain<IInboxCounterGrain>("batch"), 50);
    }

    [SkippableTheory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.PostgreSql)]
    public async Task Killing_the_silo_during_10000_appends_loses_no_acknowledged_record_and_applies_none_twice(TestStorage storage)
    {
        TestClusters.Require(storage);
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, storage: storage);
        const int appenders = 16;
        const int perAppender = 625;
        const int grains = 40;
        var acknowledged = new ConcurrentBag<string>();
        var attempted = new ConcurrentBag<string>();
        var inbox = cluster.Primary.Inbox;
        var factory = cluster.GrainFactory;
        var recipients = Enumerable.Range(0, grains).Select(i => factory.GetGrainId<IInboxCounterGrain>($"kill-{i}")).ToList();

        var appending = Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            for (var i = 0; i < perAppender; i++)
            {
                var id = $"a{a}-{i}";
                attempted.Add(id);
                try
                {
                    await inbox.AppendAsync(recipients[((a * perAppender) + i) % grains], "test", Encoding.UTF8.GetBytes(id));
                    acknowledged.Add(id);
                }
                catch (Exception)
                {
                    return; // the silo is gone: this appender stops, its last record unacknowledged
                }
            }
        })).ToList();

        await Probe.WaitUntilAsync(() => acknowledged.Count >= 3000, Patience);
        await cluster.KillSiloAsync(cluster.Primary);
        await Task.WhenAll(appending);
        Assert.InRange(acknowledged.Count, 3000, (appenders * perAppender) - 1);

        await cluster.StartSiloAsync();
        var applied = new List<string>();
        await Probe.WaitUntilAsync(
            () =>
            {
                applied = recipients.SelectMany(r => cluster.GrainFactory.GetGrain<IInboxCounterGrain>(r.Key).Ledger().GetAwaiter().GetResult().Applied).ToList();
                return acknowledged.All(new HashSet<string>(applied).Contains);
            },
            Patience,
            "every acknowledged record is applied after the restart");

        Assert.Equal(applied.Count, applied.Distinct().Count());
        Assert.Subset(attempted.ToHashSet(), applied.ToHashSet());
    }

    [Fact]
    public async Task A_failed_delivery_discards_the_activation_so_the_redelivery_starts_from_stored_state()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var recipient = cluster.GrainFactory.GetGrainId<IInboxCounterGrain>("dirty");

        await cluster.Primary.Inbox.AppendAsync(recipient, "test", "dirty-1"u8.ToArray());

        await WaitForLedgerAsync(cluster.GrainFactory.GetGrain<IInboxCounterGrain>("dirty"), 2);
        Assert.Equal(2, probe.Count("delivered:dirty-1"));
        Assert.Equal(["dirty-1:in-memory", "dirty-1"], (await cluster.GrainFactory.GetGrain<IInboxCounterGrain>("dirty").Ledger()).Applied);
    }

    [Fact]
    public async Task A_handler_failing_with_an_unavailable_downstream_silo_is_retried_and_the_grains_later_records_follow()
    {
        // Regression (multi-process kill test): the consumer took a SiloUnavailableException thrown by the handler
        // for "this silo no longer serves the partition" and dropped the record, leaving the grain's queue stuck.
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var recipient = cluster.GrainFactory.GetGrainId<IInboxCounterGrain>("downstream");

        await cluster.Primary.Inbox.AppendAsync(recipient, "test", "downstream-1"u8.ToArray());
        await cluster.Primary.Inbox.AppendAsync(recipient, "test", "ok-2"u8.ToArray());

        await WaitForLedgerAsync(cluster.GrainFactory.GetGrain<IInboxCounterGrain>("downstream"), 2);
        Assert.Equal(["downstream-1", "ok-2"], (await cluster.GrainFactory.GetGrain<IInboxCounterGrain>("downstream").Ledger()).Applied);
        Assert.Equal(2, probe.Count("delivered:downstream-1"));
    }

    [Fact]
    public async Task A_record_that_keeps_failing_is_parked_and_the_grains_later_records_proceed()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, configure: o => o.Configuration["Inbox:MaxDeliveryAttempts"] = "3");
        var recipient = cluster.GrainFactory.GetGrainId<IInboxCounterGrain>("poison");

        await cluster.Primary.Inbox.AppendAsync(recipient, "test", "fail-1"u8.ToArray());
        await cluster.Primary.Inbox.AppendAsync(recipient, "test", "ok-2"u8.ToArray());

        await WaitForLedgerAsync(cluster.GrainFactory.GetGrain<IInboxCounterGrain>("poison"), 1);
        Assert.Equal(["ok-2"], (await cluster.GrainFactory.GetGrain<IInboxCounterGrain>("poison").Ledger()).Applied);
        Assert.Equal(3, probe.Count("delivered:fail-1"));
        var parked = await cluster.Primary.Services.GetRequiredService<IRuntimeStore>().ReadParkedAsync(10, CancellationToken.None);
        var record = Assert.Single(parked);
        Assert.Equal(recipient, record.Recipient);
        Assert.Equal(3, record.Attempts);
        Assert.Contains("fails on purpose", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Applied_records_past_the_retention_are_deleted_and_offsets_continue_above_them()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, configure: o =>
        {
            o.Configuration["Inbox:Retention"] = "00:00:00.001";
            o.Configuration["Inbox:TrimInterval"] = "00:00:00.050";
            o.Configuration["Inbox:CommitInterval"] = "00:00:00.020";
        });
        var recipient = cluster.GrainFactory.GetGrainId<IInboxCounterGrain>("trimmed");
        var grain = cluster.GrainFactory.GetGrain<IInboxCounterGrain>("trimmed");
        var store = cluster.Primary.Services.GetRequiredService<IRuntimeStore>();
        var first = await cluster.Primary.Inbox.AppendAsync(recipient, "test", "ok-1"u8.ToArray());
        await cluster.Primary.Inbox.AppendAsync(recipient, "test", "ok-2"u8.ToArray());
        await WaitForLedgerAsync(grain, 2);

        await Probe.WaitUntilAsync(() => store.ReadAsync(first.PartitionId, 1, 10, CancellationToken.None).GetAwaiter().GetResult().Count == 0, Patience);
        var third = await cluster.Primary.Inbox.AppendAsync(recipient, "test", "ok-3"u8.ToArray());
        await WaitForLedgerAsync(grain, 3);

        var ledger = await grain.Ledger();
        Assert.Equal(["ok-1", "ok-2", "ok-3"], ledger.Applied);
        Assert.Equal(ledger.Offsets.Order(), ledger.Offsets);
        Assert.True(third.Offset > ledger.Offsets[1], $"offset {third.Offset} reused after the trim");
    }

    [Fact]
    public async Task A_record_whose_handler_changes_nothing_is_not_delivered_again_after_a_restart()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var recipient = cluster.GrainFactory.GetGrainId<IInboxCounterGrain>("noop");
        await cluster.Primary.Inbox.AppendAsync(recipient, "test", "noop-1"u8.ToArray());
        await cluster.Primary.Inbox.AppendAsync(recipient, "test", "ok-2"u8.ToArray());
        await WaitForLedgerAsync(cluster.GrainFactory.GetGrain<IInboxCounterGrain>("noop"), 1);

        await cluster.RestartSiloAsync(cluster.Primary, kill: true);
        await cluster.Primary.Inbox.AppendAsync(recipient, "test", "ok-3"u8.ToArray());
        await WaitForLedgerAsync(cluster.GrainFactory.GetGrain<IInboxCounterGrain>("noop"), 2);

        Assert.Equal(1, probe.Count("delivered:noop-1"));
        Assert.Equal(1, probe.Count("delivered:ok-2"));
    }

    [Fact]
    public async Task Appending_to_a_grain_that_is_not_an_inbox_recipient_is_refused()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var counter = cluster.GrainFactory.GetGrainId<ICounterGrain>("not-a-recipient");

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await cluster.Primary.Inbox.AppendAsync(counter, "test", "x"u8.ToArray()));

        Assert.Contains("does not implement IInboxRecipient", exception.Message, StringComparison.Ordinal);
    }

    private static Task WaitForLedgerAsync(IInboxCounterGrain grain, int count) =>
        Probe.WaitUntilAsync(() => grain.Ledger().GetAwaiter().GetResult().Applied.Count >= count, Patience);
}
