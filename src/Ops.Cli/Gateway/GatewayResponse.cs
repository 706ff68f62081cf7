using System.Text.Json;
using Ops.Contracts;

namespace Ops.Cli.Gateway;

/// <summary>A successful answer: the JSON text exactly as the gateway sent it, readable as the contract's records.</summary>
internal sealed record GatewayResponse(string Text)
{
    /// <summary>The body as <typeparamref name="T"/>, read with the API's own JSON options (<see cref="OpsJson"/>).</summary>
    public T Read<T>()
    {
        try
        {
            return JsonSerializer.Deserialize<T>(Text, OpsJson.Options) ?? throw new JsonException("the body is null");
        }
        catch (JsonException e)
        {
            throw new OpsctlException(ExitCode.Unavailable, $"the gateway answered JSON this opsctl cannot read as {typeof(T).Name} ({e.Message}); are opsctl and the silo the same version?", e);
        }
    }
}
