namespace Ops.Gateway.Ingest;

/// <summary>What a parser made of a request: the normalised value, or the problems that keep it from being accepted.</summary>
/// <remarks>A request is all or nothing: when <see cref="Errors"/> is non-empty, <see cref="Value"/> is null and nothing may be stored.</remarks>
internal sealed class ParseResult<T>
    where T : class
{
    private ParseResult(T? value, Dictionary<string, string[]> errors)
    {
        Value = value;
        Errors = errors;
    }

    public T? Value { get; }

    /// <summary>Field path → what was expected there.</summary>
    public Dictionary<string, string[]> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    public static ParseResult<T> From(T value, IngestErrors errors) =>
        errors.IsEmpty ? new(value, []) : new(null, errors.ToDictionary());

    public static ParseResult<T> Invalid(IngestErrors errors) => new(null, errors.ToDictionary());
}
