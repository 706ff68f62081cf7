namespace Ops.Runtime;

/// <summary>
/// Marker for grain interfaces. Every method of a grain interface must return <see cref="Task"/>,
/// <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>; the runtime checks
/// this at start-up and names the offending method if one does not.
/// </summary>
public interface IGrain;

/// <summary>A grain addressed by a string key (a product id, a builder id).</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>A grain addressed by a <see cref="Guid"/> key (canonical form: "D", lower case).</summary>
public interface IGrainWithGuidKey : IGrain;

/// <summary>A grain addressed by a 64-bit integer key (canonical form: invariant decimal).</summary>
public interface IGrainWithIntegerKey : IGrain;

/// <summary>Implemented by every grain reference the runtime hands out, so callers can read its identity.</summary>
public interface IGrainReference
{
    /// <summary>The identity of the grain this reference calls.</summary>
    GrainId GrainId { get; }
}
