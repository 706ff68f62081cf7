using System.Text;
using System.Text.Json.Nodes;

namespace Ops.Grains.Notifications;

/// <summary>
/// A Slack-compatible incoming-webhook message: <c>text</c> (the notification line) and <c>blocks</c> (mrkdwn
/// sections). Every text that comes from a signal, the catalog or a person is escaped by <see cref="Escape"/>, and
/// every mrkdwn object is <c>verbatim</c>, so nothing in it becomes a mention, a link or a command.
/// </summary>
internal static class SlackPayload
{
    /// <summary>Slack's limit on a section's text.</summary>
    private const int MaxSectionLength = 3000;

    public static JsonObject Create(PageNotice notice)
    {
        var blocks = new JsonArray
        {
            Section($"*{Escape(NoticeText.Headline(notice))}*\n{Escape(NoticeText.Reason(notice))} *{Escape(notice.Recipient)}* · blast radius {NoticeText.BlastRadius(notice)}"
                + (NoticeText.Products(notice) is { } products ? $" · {Escape(products)}" : "")),
        };
        if (!string.IsNullOrWhiteSpace(notice.Summary))
        {
            blocks.Add(Section(Escape(notice.Summary)));
        }

        AddEntries(blocks, "Labels", notice.Labels);
        AddEntries(blocks, "Annotations", notice.Annotations);
        var footer = $"Incident {Escape(notice.IncidentId)} · {NoticeText.Time(notice.At)}"
            + (notice.AckDeadline is { } deadline ? $" · acknowledge by {NoticeText.Time(deadline)}" : "")
            + (NoticeText.Link(notice) is { } link ? $" · <{EscapeUrl(link)}|open>" : "");
        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray { Text(footer) },
        });

        return new JsonObject
        {
            ["text"] = Escape($"{NoticeText.Headline(notice)} ({NoticeText.Reason(notice)} {notice.Recipient})"),
            ["blocks"] = blocks,
        };
    }

    /// <summary>
    /// Slack's escaping: <c>&amp;</c> → <c>&amp;amp;</c>, <c>&lt;</c> → <c>&amp;lt;</c>, <c>&gt;</c> → <c>&amp;gt;</c>. With the angle
    /// brackets escaped, <c>&lt;!channel&gt;</c>, <c>&lt;@U123&gt;</c> and <c>&lt;url|text&gt;</c> are shown, not acted on.
    /// </summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    private static void AddEntries(JsonArray blocks, string title, IReadOnlyDictionary<string, string> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var text = new StringBuilder($"*{title}*");
        foreach (var (key, value) in NoticeText.Entries(entries))
        {
            text.Append('\n').Append(Escape(key)).Append(": ").Append(Escape(value));
        }

        blocks.Add(Section(text.ToString()));
    }

    private static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = Text(mrkdwn),
    };

    private static JsonObject Text(string mrkdwn) => new()
    {
        ["type"] = "mrkdwn",
        ["text"] = Limit(mrkdwn),
        ["verbatim"] = true,
    };

    /// <summary>Cuts to Slack's limit without splitting an escape sequence.</summary>
    private static string Limit(string text)
    {
        if (text.Length <= MaxSectionLength)
        {
            return text;
        }

        var cut = MaxSectionLength - 1;
        var amp = text.LastIndexOf('&', cut - 1, 5);
        if (amp >= 0 && text.IndexOf(';', amp, cut - amp) < 0)
        {
            cut = amp;
        }

        return text[..cut] + "…";
    }

    private static string EscapeUrl(Uri link) => Escape(link.AbsoluteUri.Replace("|", "%7C", StringComparison.Ordinal));
}
