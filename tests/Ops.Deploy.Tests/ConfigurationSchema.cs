using System.Globalization;
using System.Reflection;
using Ops.Silo.Hosting;

namespace Ops.Deploy.Tests;

/// <summary>
/// The configuration keys the silo really reads: the option classes it binds (found through their
/// <c>SectionName</c> constants in the silo's assemblies) with their bindable properties, plus the few root keys the
/// host reads. A key or environment variable name that maps to none of them is a typo the silo would ignore.
/// </summary>
internal sealed class ConfigurationSchema
{
    /// <summary>Root keys read by ASP.NET Core and the generic host rather than by an option class.</summary>
    private static readonly Dictionary<string, bool> RootKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Urls"] = false, // where Kestrel listens (the gateway)
        ["shutdownTimeoutSeconds"] = false, // HostOptions.ShutdownTimeout: how long the graceful drain may take
        ["Logging"] = true, // free-form below: log levels per category, providers
    };

    private readonly Dictionary<string, Type> _sections;

    private ConfigurationSchema(Dictionary<string, Type> sections) => _sections = sections;

    /// <summary>The schema of the silo in src/Ops.Silo.</summary>
    public static ConfigurationSchema Silo { get; } = Discover();

    /// <summary>Section name → option class.</summary>
    public IReadOnlyDictionary<string, Type> Sections => _sections;

    /// <summary>The environment variable naming the silo-config directory (SiloConfiguration.DirectoryVariable).</summary>
    public static string SiloConfigVariable { get; } = (string)typeof(SiloApp).Assembly
        .GetType("Ops.Silo.Hosting.SiloConfiguration", throwOnError: true)!
        .GetField("DirectoryVariable", BindingFlags.Public | BindingFlags.Static)!
        .GetRawConstantValue()!;

    /// <summary>Environment variables the silo process reads that are not configuration keys.</summary>
    public static IReadOnlySet<string> ProcessVariables { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", SiloConfigVariable };

    /// <summary>Null when the silo reads the environment variable, else why not.</summary>
    public string? CheckEnvironmentVariable(string name) =>
        ProcessVariables.Contains(name) ? null : CheckKey(name.Replace("__", ":", StringComparison.Ordinal), $"environment variable {name}");

    /// <summary>Null when <paramref name="key"/> (Section:Key[:...]) binds to something the silo reads, else why not.</summary>
    public string? CheckKey(string key, string? what = null)
    {
        what ??= $"key {key}";
        var segments = key.Split(':');
        if (segments.Any(s => s.Length == 0))
        {
            return $"{what}: empty segment";
        }

        if (RootKeys.TryGetValue(segments[0], out var freeForm))
        {
            return freeForm || segments.Length == 1 ? null : $"{what}: '{segments[0]}' has no keys below it";
        }

        if (!_sections.TryGetValue(segments[0], out var type))
        {
            return $"{what}: '{segments[0]}' is not a section the silo binds (sections: {string.Join(", ", _sections.Keys.Order(StringComparer.Ordinal))}; root keys: {string.Join(", ", RootKeys.Keys)})";
        }

        return segments.Length == 1 ? $"{what}: names the whole section {segments[0]}, not a key in it" : Resolve(type, segments, 1, what);
    }

    private static string? Resolve(Type type, string[] segments, int index, string what)
    {
        if (index == segments.Length)
        {
            return null;
        }

        var segment = segments[index];
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return $"{what}: {string.Join(':', segments[..index])} is a {type.Name}, it has no key '{segment}'";
        }

        if (FindGeneric(type, typeof(IDictionary<,>)) is { } dictionary)
        {
            return Resolve(dictionary.GetGenericArguments()[1], segments, index + 1, what);
        }

        var element = type.IsArray ? type.GetElementType() : FindGeneric(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (element is not null)
        {
            return int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? Resolve(element, segments, index + 1, what)
                : $"{what}: '{segment}' is not an index into {string.Join(':', segments[..index])}";
        }

        // What ConfigurationBinder binds: public properties with a public setter, or get-only ones holding an object
        // or collection it can fill in place.
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod?.IsPublic == true || !IsScalar(p.PropertyType)))
            .ToList();
        var property = properties.FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase));
        return property is null
            ? $"{what}: {type.Name} ({string.Join(':', segments[..index])}) has no property '{segment}'; it has {string.Join(", ", properties.Select(p => p.Name))}"
            : Resolve(property.PropertyType, segments, index + 1, what);
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);
    }

    private static Type? FindGeneric(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    private static ConfigurationSchema Discover()
    {
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var assembly in SiloAssemblies())
        {
            foreach (var type in assembly.GetTypes())
            {
                var field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
                if (field is { IsLiteral: true } && field.FieldType == typeof(string) && type.IsClass && !type.IsAbstract)
                {
                    var name = (string)field.GetRawConstantValue()!;
                    if (!sections.TryAdd(name, type))
                    {
                        throw new InvalidOperationException($"Section {name} is claimed by {sections[name].FullName} and {type.FullName}.");
                    }
                }
            }
        }

        return new ConfigurationSchema(sections);
    }

    /// <summary>Ops.Silo and every Ops.* assembly it references, transitively.</summary>
    private static List<Assembly> SiloAssemblies()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(SiloApp).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name?.StartsWith("Ops.", StringComparison.Ordinal) == true))
            {
                pending.Push(Assembly.Load(reference));
            }
        }

        return [.. found.Values];
    }
}
