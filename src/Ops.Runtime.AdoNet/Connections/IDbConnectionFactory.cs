using System.Data.Common;

namespace Ops.Runtime.AdoNet;

/// <summary>Opens connections to the store's database. Every store operation gets its connections here.</summary>
public interface IDbConnectionFactory
{
    /// <summary>An open connection, owned by the caller (dispose it to return it to the pool).</summary>
    ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Wraps the store's connection factory (registered in the silo's services, e.g. by a test to inject faults).
/// </summary>
public sealed class ConnectionFactoryDecorator(Func<IDbConnectionFactory, IDbConnectionFactory> decorate)
{
    /// <summary>Returns the factory the store uses instead of <paramref name="inner"/>.</summary>
    public IDbConnectionFactory Decorate(IDbConnectionFactory inner) => decorate(inner);
}
