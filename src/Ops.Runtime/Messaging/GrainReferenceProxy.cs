using System.Reflection;

namespace Ops.Runtime.Messaging;

/// <summary>
/// A grain reference: a <see cref="DispatchProxy"/> implementing the grain interface. Each call becomes a
/// <see cref="GrainCall"/> through the method's prepared invoker; no reflection happens per call beyond the
/// MethodInfo lookup.
/// </summary>
internal class GrainReferenceProxy : DispatchProxy, IGrainReference
{
    private GrainId _grainId;
    private GrainInterfaceInfo? _interface;
    private GrainCallSender? _sender;

    public GrainId GrainId => _grainId;

    internal void Initialize(GrainId grainId, GrainInterfaceInfo grainInterface, GrainCallSender sender)
    {
        _grainId = grainId;
        _interface = grainInterface;
        _sender = sender;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        _interface!.GetMethod(targetMethod!).Call(_sender!, _grainId, _interface.GrainClass, args ?? []);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IGrainReference other && other.GrainId == _grainId;

    /// <inheritdoc />
    public override int GetHashCode() => _grainId.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"{_interface?.InterfaceType.Name}:{_grainId}";
}
