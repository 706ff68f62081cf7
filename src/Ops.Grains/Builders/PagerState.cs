using Ops.Contracts.Grains;
using Ops.Grains.Messaging;

namespace Ops.Grains.Builders;

/// <summary>What a builder or tier was paged for and the toil it recorded.</summary>
public sealed class PagerState
{
    public List<PagerEntry> Pages { get; set; } = [];

    public List<ToilEntry> Toil { get; set; } = [];

    public MessageLedger Ledger { get; set; } = new();
}

/// <summary>Minutes of manual work on a product.</summary>
public sealed record ToilEntry(string Product, double Minutes, string Actor, DateTimeOffset At);
