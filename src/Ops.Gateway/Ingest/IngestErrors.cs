namespace Ops.Gateway.Ingest;

/// <summary>
/// The validation problems found in one request, by JSON field path (<c>alerts[2].labels</c>,
/// <c>payload.severity</c>, <c>$</c> for the document itself). Kept short: after <see cref="MaxFields"/> fields the
/// rest are counted, not listed, so a batch of ten thousand broken alerts still gets a readable answer.
/// </summary>
internal sealed class IngestErrors
{
    /// <summary>The most fields listed in one answer.</summary>
    public const int MaxFields = 50;

    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);
    private int _omitted;

    public bool IsEmpty => _byField.Count == 0 && _omitted == 0;

    /// <summary>Whether <paramref name="field"/> already has a problem.</summary>
    public bool Has(string field) => _byField.ContainsKey(field);

    /// <summary>Records that <paramref name="field"/> is invalid: <paramref name="message"/> says what was expected.</summary>
    public void Add(string field, string message)
    {
        if (_byField.TryGetValue(field, out var messages))
        {
            messages.Add(message);
        }
        else if (_byField.Count < MaxFields)
        {
            _byField.Add(field, [message]);
        }
        else
        {
            _omitted++;
        }
    }

    /// <summary>Field → messages, in the shape of ASP.NET's validation problem details.</summary>
    public Dictionary<string, string[]> ToDictionary()
    {
        var result = _byField.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
        if (_omitted > 0)
        {
            result["$"] = [.. result.GetValueOrDefault("$") ?? [], $"{_omitted} further problem(s) not listed; fix the ones above and send again."];
        }

        return result;
    }
}
