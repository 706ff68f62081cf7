using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ops.Runtime.Cluster;

/// <summary>
/// An exception as it crosses the internal hop: its type, message and (for argument exceptions) parameter name.
/// Rebuilt on the caller's side as the same type when that type can be built from a message, so callers catch the
/// same exceptions whether the grain ran here or on another silo.
/// </summary>
internal sealed record WireError(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("paramName")] string? ParamName = null,
    [property: JsonPropertyName("partitionId")] int? PartitionId = null,
    [property: JsonPropertyName("epoch")] long? Epoch = null,
    [property: JsonPropertyName("chain")] string[]? Chain = null)
{
    public static WireError From(Exception exception)
    {
        var message = exception.Message;
        string? paramName = null;
        if (exception is ArgumentException argument && argument.ParamName is { } name)
        {
            paramName = name;
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return exception switch
        {
            PartitionOwnershipLostException lost => new WireError(exception.GetType().AssemblyQualifiedName!, message, PartitionId: lost.PartitionId, Epoch: lost.Epoch),
            DeadlockException deadlock => new WireError(exception.GetType().AssemblyQualifiedName!, message, Chain: [.. deadlock.CallChain.Select(g => g.ToString())]),
            _ => new WireError(exception.GetType().AssemblyQualifiedName!, message, paramName),
        };
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static WireError? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<WireError>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The exception to throw at the caller.</summary>
    public Exception ToException()
    {
        var type = System.Type.GetType(Type, throwOnError: false);
        if (type is null || !typeof(Exception).IsAssignableFrom(type))
        {
            return new RemoteGrainException(Type, Message);
        }

        if (type == typeof(PartitionOwnershipLostException) && PartitionId is { } partition && Epoch is { } epoch)
        {
            return new PartitionOwnershipLostException(partition, epoch);
        }

        if (type == typeof(DeadlockException) && Chain is { } chain)
        {
            return new DeadlockException([.. chain.Select(GrainId.Parse)]);
        }

        try
        {
            if (ParamName is not null && type.GetConstructor([typeof(string), typeof(string)]) is { } withParam && typeof(ArgumentException).IsAssignableFrom(type))
            {
                // ArgumentException(message, paramName); ArgumentNullException and ArgumentOutOfRangeException take (paramName, message).
                return (Exception)(type == typeof(ArgumentException) ? withParam.Invoke([Message, ParamName]) : withParam.Invoke([ParamName, Message]));
            }

            if (type.GetConstructor([typeof(string)]) is { } withMessage)
            {
                return (Exception)withMessage.Invoke([Message]);
            }
        }
        catch (TargetInvocationException)
        {
        }

        return new RemoteGrainException(Type, Message);
    }
}
