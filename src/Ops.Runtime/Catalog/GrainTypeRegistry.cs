using System.Reflection;
using System.Text.RegularExpressions;
using Ops.Runtime.Messaging;

namespace Ops.Runtime.Catalog;

/// <summary>
/// The grain classes a silo hosts and the grain interfaces they implement, validated at start-up. Every problem
/// found is reported in one <see cref="GrainTypeValidationException"/> that names the offending class or method.
/// </summary>
internal sealed partial class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainInterfaceInfo> _interfaces = [];
    private readonly Dictionary<string, GrainClassInfo> _classesByType = new(StringComparer.Ordinal);

    public GrainTypeRegistry(IEnumerable<Type> grainClasses)
    {
        var problems = new List<string>();
        var implementers = new Dictionary<Type, List<GrainClassInfo>>();

        foreach (var classType in grainClasses.Distinct())
        {
            var info = CreateClassInfo(classType, problems);
            if (info is null)
            {
                continue;
            }

            if (_classesByType.TryGetValue(info.GrainType, out var existing))
            {
                problems.Add($"Grain classes {existing.ClassType.FullName} and {classType.FullName} both declare [GrainType(\"{info.GrainType}\")]; grain type names must be unique.");
                continue;
            }

            _classesByType.Add(info.GrainType, info);
            foreach (var grainInterface in GrainInterfacesOf(classType))
            {
                if (!implementers.TryGetValue(grainInterface, out var list))
                {
                    implementers[grainInterface] = list = [];
                }

                list.Add(info);
            }
        }

        foreach (var (grainInterface, classes) in implementers)
        {
            if (classes.Count > 1)
            {
                problems.Add($"Grain interface {grainInterface.FullName} is implemented by several grain classes ({string.Join(", ", classes.Select(c => c.ClassType.Name))}); each grain interface must have exactly one.");
                continue;
            }

            var interfaceInfo = CreateInterfaceInfo(grainInterface, classes[0], problems);
            if (interfaceInfo is not null)
            {
                _interfaces.Add(grainInterface, interfaceInfo);
            }
        }

        if (problems.Count > 0)
        {
            throw new GrainTypeValidationException(problems);
        }
    }

    public IReadOnlyCollection<GrainClassInfo> Classes => _classesByType.Values;

    public IReadOnlyCollection<GrainInterfaceInfo> Interfaces => _interfaces.Values;

    /// <summary>The hosted interface <paramref name="grainInterface"/>; throws with a clear message if it is not hosted.</summary>
    public GrainInterfaceInfo GetInterface(Type grainInterface) =>
        _interfaces.TryGetValue(grainInterface, out var info)
            ? info
            : throw new InvalidOperationException($"No grain class hosted by this silo implements {grainInterface.FullName}; add its assembly with AddGrains(...).");

    /// <summary>The grain class of a stable type name, or null when this silo hosts none.</summary>
    public GrainClassInfo? FindClass(string grainType) => _classesByType.GetValueOrDefault(grainType);

    /// <summary>Whether values of <paramref name="type"/> may be shared between caller and callee without copying.</summary>
    public static bool IsShallowCopyable(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive
            || underlying.IsEnum
            || underlying == typeof(string)
            || underlying == typeof(decimal)
            || underlying == typeof(DateTime)
            || underlying == typeof(DateTimeOffset)
            || underlying == typeof(DateOnly)
            || underlying == typeof(TimeOnly)
            || underlying == typeof(TimeSpan)
            || underlying == typeof(Guid)
            || underlying == typeof(Uri)
            || underlying == typeof(GrainId)
            || underlying == typeof(CancellationToken)
            || (underlying.IsInterface && typeof(IGrain).IsAssignableFrom(underlying))
            || underlying.GetCustomAttribute<ImmutableAttribute>() is not null;
    }

    private static IEnumerable<Type> GrainInterfacesOf(Type classType) =>
        classType.GetInterfaces().Where(i => typeof(IGrain).IsAssignableFrom(i) && !IsMarker(i));

    private static bool IsMarker(Type type) =>
        type == typeof(IGrain) || type == typeof(IGrainWithStringKey) || type == typeof(IGrainWithGuidKey) || type == typeof(IGrainWithIntegerKey);

    private static GrainClassInfo? CreateClassInfo(Type classType, List<string> problems)
    {
        if (!typeof(Grain).IsAssignableFrom(classType) || classType.IsAbstract)
        {
            problems.Add($"{classType.FullName} is not a concrete subclass of Grain.");
            return null;
        }

        var grainType = classType.GetCustomAttribute<GrainTypeAttribute>()?.GrainType;
        if (grainType is null)
        {
            problems.Add($"Grain class {classType.FullName} has no [GrainType(\"...\")]: the type name is stored with its state and places it on a partition, so it must be declared and never change.");
            return null;
        }

        if (!GrainTypeName().IsMatch(grainType))
        {
            problems.Add($"Grain class {classType.FullName}: [GrainType(\"{grainType}\")] must be lower-case letters, digits, '.' and '-' (starting with a letter or digit, at most 100 characters).");
            return null;
        }

        var constructors = classType.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length == 0)
        {
            problems.Add($"Grain class {classType.FullName} has no public constructor.");
            return null;
        }

        var constructor = constructors.OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = new List<ConstructorParameter>();
        foreach (var parameter in constructor.GetParameters())
        {
            var state = parameter.GetCustomAttribute<PersistentStateAttribute>();
            if (state is not null)
            {
                if (!parameter.ParameterType.IsGenericType || parameter.ParameterType.GetGenericTypeDefinition() != typeof(IPersistentState<>))
                {
                    problems.Add($"Grain class {classType.FullName}: constructor parameter '{parameter.Name}' has [PersistentState] but is not IPersistentState<T>.");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(state.StateName))
                {
                    problems.Add($"Grain class {classType.FullName}: [PersistentState] on '{parameter.Name}' needs a state name.");
                    continue;
                }

                parameters.Add(new ConstructorParameter(parameter.ParameterType, ConstructorParameterKind.PersistentState, state.StateName, parameter.ParameterType.GetGenericArguments()[0]));
            }
            else if (parameter.ParameterType == typeof(IGrainContext))
            {
                parameters.Add(new ConstructorParameter(parameter.ParameterType, ConstructorParameterKind.GrainContext, null, null));
            }
            else if (parameter.ParameterType == typeof(IGrainFactory))
            {
                parameters.Add(new ConstructorParameter(parameter.ParameterType, ConstructorParameterKind.GrainFactory, null, null));
            }
            else if (parameter.ParameterType.IsGenericType && parameter.ParameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>))
            {
                problems.Add($"Grain class {classType.FullName}: constructor parameter '{parameter.Name}' is IPersistentState<T> without [PersistentState(\"name\")].");
            }
            else
            {
                parameters.Add(new ConstructorParameter(parameter.ParameterType, ConstructorParameterKind.Service, null, null));
            }
        }

        var duplicateStates = parameters.Where(p => p.StateName is not null).GroupBy(p => p.StateName).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        foreach (var name in duplicateStates)
        {
            problems.Add($"Grain class {classType.FullName} declares the persistent state '{name}' more than once.");
        }

        var info = new GrainClassInfo(classType, grainType, constructor, parameters);
        if (info.IsStatelessWorker)
        {
            if (parameters.Any(p => p.Kind == ConstructorParameterKind.PersistentState))
            {
                problems.Add($"Grain class {classType.FullName} is a [StatelessWorker] and cannot have persistent state: it has no single identity to store it under.");
            }

            if (info.IsRemindable || info.IsInboxRecipient)
            {
                problems.Add($"Grain class {classType.FullName} is a [StatelessWorker] and cannot receive reminders or inbox records.");
            }
        }

        if (info.IsInboxRecipient && info.IsReentrant)
        {
            problems.Add($"Grain class {classType.FullName} receives inbox records and is [Reentrant]: records must be applied one at a time, in order; remove [Reentrant].");
        }

        return info;
    }

    private static GrainInterfaceInfo? CreateInterfaceInfo(Type grainInterface, GrainClassInfo grainClass, List<string> problems)
    {
        var keyKinds = new List<GrainKeyKind>();
        if (typeof(IGrainWithStringKey).IsAssignableFrom(grainInterface))
        {
            keyKinds.Add(GrainKeyKind.String);
        }

        if (typeof(IGrainWithGuidKey).IsAssignableFrom(grainInterface))
        {
            keyKinds.Add(GrainKeyKind.Guid);
        }

        if (typeof(IGrainWithIntegerKey).IsAssignableFrom(grainInterface))
        {
            keyKinds.Add(GrainKeyKind.Integer);
        }

        if (keyKinds.Count != 1)
        {
            problems.Add($"Grain interface {grainInterface.FullName} must extend exactly one of IGrainWithStringKey, IGrainWithGuidKey, IGrainWithIntegerKey.");
            return null;
        }

        var methods = new List<GrainMethod>();
        var before = problems.Count;
        foreach (var type in new[] { grainInterface }.Concat(grainInterface.GetInterfaces()).Where(t => !IsMarker(t)))
        {
            if (type.GetProperties().Length > 0 || type.GetEvents().Length > 0)
            {
                problems.Add($"Grain interface {type.FullName} declares properties or events; grain interfaces may only declare methods returning Task, Task<T>, ValueTask or ValueTask<T>.");
            }

            foreach (var method in type.GetMethods())
            {
                var problem = ValidateMethod(type, method);
                if (problem is not null)
                {
                    problems.Add(problem);
                }
                else if (problems.Count == before)
                {
                    methods.Add(GrainMethod.Create(type, method, IsShallowCopyable));
                }
            }
        }

        return problems.Count == before ? new GrainInterfaceInfo(grainInterface, keyKinds[0], methods, grainClass) : null;
    }

    private static string? ValidateMethod(Type type, MethodInfo method)
    {
        var where = $"Grain interface method {type.FullName}.{method.Name}";
        if (GrainMethod.Classify(method.ReturnType) is null)
        {
            return $"{where} returns {method.ReturnType.Name}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>.";
        }

        if (method.IsGenericMethodDefinition)
        {
            return $"{where} is generic; grain methods cannot have type parameters.";
        }

        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType.IsByRef || parameter.IsOut)
            {
                return $"{where} has a ref/out/in parameter '{parameter.Name}'; grain calls pass arguments by value.";
            }
        }

        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{0,99}$")]
    private static partial Regex GrainTypeName();
}

/// <summary>The hosted grain classes or interfaces break the programming model's rules; the message lists every problem.</summary>
public sealed class GrainTypeValidationException : Exception
{
    public GrainTypeValidationException()
    {
    }

    public GrainTypeValidationException(string message)
        : base(message)
    {
    }

    public GrainTypeValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal GrainTypeValidationException(IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : $"{problems.Count} problems with the hosted grains:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", problems)}")
    {
        Problems = problems;
    }

    /// <summary>Each problem found, one sentence naming the class or method.</summary>
    public IReadOnlyList<string> Problems { get; } = [];
}
