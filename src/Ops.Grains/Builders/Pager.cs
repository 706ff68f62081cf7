using Ops.Contracts.Grains;
using Ops.Grains.Hosting;
using Ops.Grains.Messaging;
using Ops.Runtime;

namespace Ops.Grains.Builders;

/// <summary>The page book shared by builders and escalation tiers: pages, acknowledgements, load in the window.</summary>
internal static class Pager
{
    private const int MaxPages = 1_000;
    private const int MaxToil = 1_000;

    /// <summary>Applies a page or acknowledgement from the inbox once (replayed message ids are dropped) and saves.</summary>
    public static async Task ReceiveAsync(IPersistentState<PagerState> state, InboxRecord record, CancellationToken cancellationToken)
    {
        var message = InboxMessages.Decode(record);
        if (state.State.Ledger.SeenBefore(message.MessageId))
        {
            return;
        }

        Apply(state.State, message);
        await state.WriteStateAsync(cancellationToken);
    }

    public static void Apply(PagerState pager, DomainMessage message)
    {
        switch (message)
        {
            case PageRecorded page:
                pager.Pages.Add(new PagerEntry(page.IncidentId, page.Title, page.Severity, page.Reason, page.At, page.Product, null));
                if (pager.Pages.Count > MaxPages)
                {
                    pager.Pages.RemoveAt(0);
                }

                break;
            case PageAcknowledged ack:
                for (var i = 0; i < pager.Pages.Count; i++)
                {
                    if (pager.Pages[i].IncidentId == ack.IncidentId && pager.Pages[i].AcknowledgedAt is null)
                    {
                        pager.Pages[i] = pager.Pages[i] with { AcknowledgedAt = ack.At };
                    }
                }

                break;
            default:
                throw new InvalidDataException($"A pager cannot apply {message.GetType().Name}.");
        }
    }

    public static void AddToil(PagerState pager, ToilEntry toil)
    {
        pager.Toil.Add(toil);
        if (pager.Toil.Count > MaxToil)
        {
            pager.Toil.RemoveAt(0);
        }
    }

    public static PagerView View(string name, string kind, PagerState pager, IReadOnlyList<string> ownedProducts, double capacity, OpsLoopOptions options, DateTimeOffset now)
    {
        var since = now - options.LoadWindow;
        var pages = pager.Pages.Where(p => p.At >= since && p.Reason is "paged" or "escalated").ToList();
        var incidents = pager.Pages.Where(p => p.At >= since && p.Reason != "approval-requested").Select(p => p.IncidentId).Distinct(StringComparer.Ordinal).Count();
        var toil = pager.Toil.Where(t => t.At >= since).Sum(t => t.Minutes);
        return new PagerView
        {
            Name = name,
            Kind = kind,
            Pages = [.. pager.Pages.AsEnumerable().Reverse().Take(100)],
            OwnedProducts = ownedProducts,
            Capacity = capacity,
            PagesInWindow = pages.Count,
            IncidentsInWindow = incidents,
            ToilMinutesInWindow = toil,
            Load = ownedProducts.Count + (pages.Count * options.LoadPerPage) + (incidents * options.LoadPerIncident) + (toil / 60 * options.LoadPerToilHour),
        };
    }
}
