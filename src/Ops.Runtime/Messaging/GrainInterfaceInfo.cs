using System.Collections.Frozen;
using System.Reflection;

namespace Ops.Runtime.Messaging;

/// <summary>A validated grain interface: its key kind, its prepared methods and the grain class implementing it.</summary>
internal sealed class GrainInterfaceInfo
{
    private readonly FrozenDictionary<MethodInfo, GrainMethod> _methods;

    public GrainInterfaceInfo(Type interfaceType, GrainKeyKind keyKind, IReadOnlyList<GrainMethod> methods, Catalog.GrainClassInfo grainClass)
    {
        InterfaceType = interfaceType;
        KeyKind = keyKind;
        GrainClass = grainClass;
        _methods = methods.ToFrozenDictionary(m => m.Method, ReferenceEqualityComparer.Instance as IEqualityComparer<MethodInfo> ?? EqualityComparer<MethodInfo>.Default);
        Methods = methods;
    }

    public Type InterfaceType { get; }

    public GrainKeyKind KeyKind { get; }

    public Catalog.GrainClassInfo GrainClass { get; }

    public IReadOnlyList<GrainMethod> Methods { get; }

    /// <summary>The prepared method for a MethodInfo of this interface (or one it extends).</summary>
    public GrainMethod GetMethod(MethodInfo method)
    {
        if (_methods.TryGetValue(method, out var prepared))
        {
            return prepared;
        }

        foreach (var candidate in Methods)
        {
            if (candidate.Method.Equals(method))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} is not a method of grain interface {InterfaceType.Name}.");
    }
}

/// <summary>How a grain interface is keyed.</summary>
internal enum GrainKeyKind
{
    String,
    Guid,
    Integer,
}
