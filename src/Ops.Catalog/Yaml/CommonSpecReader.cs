using Ops.Contracts.Catalog;
using YamlDotNet.RepresentationModel;

namespace Ops.Catalog.Yaml;

/// <summary>Reads the pieces several kinds share: HTTP calls, members, notification channels.</summary>
internal static class CommonSpecReader
{
    public static readonly string[] HttpFields = ["url", "method", "body", "headers"];
    public static readonly string[] MemberFields = ["name", "email"];
    public static readonly string[] ChannelFields = ["kind", "url", "name"];

    /// <summary>An HTTP call; <paramref name="defaultMethod"/> applies when <c>method</c> is absent. Null when absent or unreadable.</summary>
    public static HttpCallSpec? HttpCall(YamlMappingReader parent, string key, string defaultMethod)
    {
        if (parent.Map(key, HttpFields) is not { } http)
        {
            return null;
        }

        var url = http.String("url", required: true);
        var method = http.String("method")?.Trim().ToUpperInvariant() ?? defaultMethod;
        return url is null
            ? null
            : new HttpCallSpec { Url = url.Trim(), Method = method, Body = Body(http), Headers = http.StringMap("headers") };
    }

    /// <summary>Members: <c>{name, email}</c> mappings, or just a name.</summary>
    public static IReadOnlyList<MemberSpec> Members(YamlMappingReader parent)
    {
        var members = new List<MemberSpec>();
        foreach (var (node, path) in parent.Sequence("members"))
        {
            if (node is YamlScalarNode)
            {
                if (parent.Scalar(node, path, "a member name or {name, email}") is { } name)
                {
                    members.Add(new MemberSpec(name));
                }

                continue;
            }

            if (YamlMappingReader.Open(parent.Context, node, path, MemberFields) is { } member && member.String("name", required: true) is { } memberName)
            {
                members.Add(new MemberSpec(memberName, member.String("email")));
            }
        }

        return members;
    }

    /// <summary>Channels: <c>{kind, url, name}</c>; kind defaults to webhook.</summary>
    public static IReadOnlyList<ChannelSpec> Channels(YamlMappingReader parent)
    {
        var channels = new List<ChannelSpec>();
        foreach (var (node, path) in parent.Sequence("channels"))
        {
            if (YamlMappingReader.Open(parent.Context, node, path, ChannelFields) is not { } channel)
            {
                continue;
            }

            var kind = channel.Enum<ChannelKind>("kind") ?? ChannelKind.Webhook;
            if (channel.String("url", required: true) is { } url)
            {
                channels.Add(new ChannelSpec(kind, url.Trim(), channel.String("name")));
            }
        }

        return channels;
    }

    private static string? Body(YamlMappingReader http) => http.Node("body") switch
    {
        null => null,
        YamlScalarNode scalar => scalar.Value,
        var structured => YamlJson.ToJson(structured),
    };
}
