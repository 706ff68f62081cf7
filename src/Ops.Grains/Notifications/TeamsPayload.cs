using System.Text;
using System.Text.Json.Nodes;
using Ops.Contracts.Grains;

namespace Ops.Grains.Notifications;

/// <summary>
/// A Microsoft Teams-compatible incoming-webhook message: a legacy actionable <c>MessageCard</c> with a summary, a
/// theme colour by severity, a section of facts, sections for labels and annotations, and an "Open incident" action.
/// Every text that comes from a signal, the catalog or a person is escaped by <see cref="Escape"/>, so markdown and
/// HTML in it are shown literally.
/// </summary>
internal static class TeamsPayload
{
    public static JsonObject Create(PageNotice notice)
    {
        var headline = Escape(NoticeText.Headline(notice));
        var facts = new JsonArray
        {
            Fact("Severity", notice.Severity.ToString()),
            Fact("Blast radius", NoticeText.BlastRadius(notice)),
        };
        if (NoticeText.Products(notice) is { } products)
        {
            facts.Add(Fact("Products", Escape(products)));
        }

        facts.Add(Fact("Incident", Escape(notice.IncidentId)));
        if (notice.AckDeadline is { } deadline)
        {
            facts.Add(Fact("Acknowledge by", NoticeText.Time(deadline)));
        }

        var main = new JsonObject
        {
            ["activityTitle"] = $"{Escape(NoticeText.Reason(notice))} {Escape(notice.Recipient)}",
            ["activitySubtitle"] = NoticeText.Time(notice.At),
            ["facts"] = facts,
            ["markdown"] = true,
        };
        if (!string.IsNullOrWhiteSpace(notice.Summary))
        {
            main["text"] = Escape(notice.Summary);
        }

        var sections = new JsonArray { main };
        AddEntries(sections, "Labels", notice.Labels);
        AddEntries(sections, "Annotations", notice.Annotations);
        var card = new JsonObject
        {
            ["@type"] = "MessageCard",
            ["@context"] = "https://schema.org/extensions",
            ["summary"] = headline,
            ["themeColor"] = ThemeColor(notice.Severity),
            ["title"] = headline,
            ["sections"] = sections,
        };
        if (NoticeText.Link(notice) is { } link)
        {
            card["potentialAction"] = new JsonArray
            {
                new JsonObject
                {
                    ["@type"] = "OpenUri",
                    ["name"] = "Open incident",
                    ["targets"] = new JsonArray { new JsonObject { ["os"] = "default", ["uri"] = link.AbsoluteUri } },
                },
            };
        }

        return card;
    }

    /// <summary>
    /// Shows text literally in a card: HTML's <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> become entities and the markdown
    /// characters <c>\ * _ [ ] ( ) # `</c> are backslash-escaped.
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
                case '\\' or '*' or '_' or '[' or ']' or '(' or ')' or '#' or '`': builder.Append('\\').Append(c); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Red for Sev1, orange for Sev2, yellow for Sev3.</summary>
    public static string ThemeColor(Severity severity) => severity switch
    {
        Severity.Sev1 => "D13438",
        Severity.Sev2 => "FF8C00",
        _ => "FFB900",
    };

    private static void AddEntries(JsonArray sections, string title, IReadOnlyDictionary<string, string> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var facts = new JsonArray();
        foreach (var (key, value) in NoticeText.Entries(entries))
        {
            facts.Add(Fact(Escape(key), Escape(value)));
        }

        sections.Add(new JsonObject { ["title"] = title, ["facts"] = facts, ["markdown"] = true });
    }

    private static JsonObject Fact(string name, string value) => new() { ["name"] = name, ["value"] = value };
}
