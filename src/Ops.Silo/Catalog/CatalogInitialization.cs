using Npgsql;
using Ops.Catalog;
using Ops.Runtime.Hosting;

namespace Ops.Silo.Catalog;

/// <summary>
/// Loads the catalog (the silo-config files and the saved API changes) when the host starts. Registered ahead of the
/// runtime, so no grain and no request ever sees an empty catalog; building the host opens no database. An invalid
/// catalog stops the start with every error (file:line:column: field: message); so does a cluster database the saved
/// changes cannot be read from.
/// </summary>
internal sealed class CatalogInitialization(CatalogService catalog) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await catalog.InitializeAsync(cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            throw new SiloStartupException(
                $"The catalog changes made through the API could not be read from PostgreSQL ({exception.Message}); check Storage:ConnectionString (env Storage__ConnectionString) and that the server is reachable.",
                exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
