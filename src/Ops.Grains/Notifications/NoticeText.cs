using System.Globalization;

namespace Ops.Grains.Notifications;

/// <summary>The wording shared by every channel format (before any channel-specific escaping).</summary>
internal static class NoticeText
{
    /// <summary>Longest label / annotation value carried into a chat message; longer values are cut.</summary>
    public const int MaxValueLength = 500;

    /// <summary>Most labels (and, separately, annotations) carried into a chat message.</summary>
    public const int MaxEntries = 25;

    /// <summary><c>Sev1 · Checkout is failing</c>.</summary>
    public static string Headline(PageNotice notice) => $"{notice.Severity} · {notice.Title}";

    /// <summary><c>Paged</c>, <c>Informed</c>, <c>Escalated</c>, <c>Approval requested</c>, or the reason as given.</summary>
    public static string Reason(PageNotice notice) => notice.Reason switch
    {
        "paged" => "Paged",
        "informed" => "Informed",
        "escalated" => "Escalated to",
        "approval-requested" => "Approval requested from",
        var other => other,
    };

    public static string BlastRadius(PageNotice notice) => notice.BlastRadius switch
    {
        Contracts.Grains.BlastRadius.CrossProduct => "cross-product",
        Contracts.Grains.BlastRadius.Platform => "platform",
        _ => "product",
    };

    /// <summary>The products the incident touches, the attributed one first.</summary>
    public static string? Products(PageNotice notice)
    {
        var products = notice.Product is null ? notice.Products : [notice.Product, .. notice.Products.Where(p => p != notice.Product)];
        return products.Count == 0 ? null : string.Join(", ", products);
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The notice's link when it is an absolute http(s) URL; anything else is not offered as a link.</summary>
    public static Uri? Link(PageNotice notice) =>
        Uri.TryCreate(notice.Link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    /// <summary>The first <see cref="MaxEntries"/> entries in key order, values cut to <see cref="MaxValueLength"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Entries(IReadOnlyDictionary<string, string> entries) =>
        entries.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Take(MaxEntries)
            .Select(e => new KeyValuePair<string, string>(e.Key, Cut(e.Value)));

    private static string Cut(string value) => value.Length <= MaxValueLength ? value : value[..MaxValueLength] + "…";
}
