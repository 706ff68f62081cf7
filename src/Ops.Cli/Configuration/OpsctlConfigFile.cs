using System.Text.Json;

namespace Ops.Cli.Configuration;

/// <summary>
/// The config file, <c>~/.config/opsctl/config.json</c> (or <c>$XDG_CONFIG_HOME/opsctl/config.json</c>, or
/// <c>--config FILE</c>): <c>{"gateway": "...", "token": "...", "actor": "..."}</c>, every member optional.
/// Unknown members are refused so that a typo does not silently fall back to a default.
/// </summary>
internal sealed record OpsctlConfigFile
{
    public string? Gateway { get; init; }

    public string? Token { get; init; }

    public string? Actor { get; init; }

    /// <summary>The default location, or null when no home directory is known.</summary>
    public static string? DefaultPath(Func<string, string?> environment)
    {
        var configHome = environment("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome))
        {
            var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }

            configHome = Path.Combine(home, ".config");
        }

        return Path.Combine(configHome, "opsctl", "config.json");
    }

    /// <summary>Reads the members by hand, so that a typo is reported by name rather than as a .NET type error.</summary>
    private static OpsctlConfigFile Parse(string json, string path)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"expected an object, found {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in document.RootElement.EnumerateObject())
        {
            if (member.Name.ToLowerInvariant() is not ("gateway" or "token" or "actor"))
            {
                throw Invalid(path, $"unknown member '{member.Name}'");
            }

            values[member.Name] = member.Value.ValueKind switch
            {
                JsonValueKind.String => member.Value.GetString(),
                JsonValueKind.Null => null,
                _ => throw Invalid(path, $"'{member.Name}' must be a string"),
            };
        }

        return new OpsctlConfigFile
        {
            Gateway = values.GetValueOrDefault("gateway"),
            Token = values.GetValueOrDefault("token"),
            Actor = values.GetValueOrDefault("actor"),
        };
    }

    private static OpsctlException Invalid(string path, string problem) =>
        new(ExitCode.Invalid, $"config file {path}: {problem}; expected {{\"gateway\": \"http://host:8080\", \"token\": \"...\", \"actor\": \"name\"}}.");

    /// <summary>Reads <paramref name="path"/>; a missing file is an error only when <paramref name="required"/>.</summary>
    public static OpsctlConfigFile? Read(string path, bool required)
    {
        if (!File.Exists(path))
        {
            return required ? throw new OpsctlException(ExitCode.Invalid, $"config file {path} does not exist.") : null;
        }

        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (JsonException e)
        {
            throw new OpsctlException(ExitCode.Invalid, $"config file {path} is not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OpsctlException(ExitCode.Invalid, $"config file {path} cannot be read: {e.Message}", e);
        }
    }
}
