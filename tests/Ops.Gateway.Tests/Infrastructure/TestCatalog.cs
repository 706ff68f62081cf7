using Ops.Contracts.Catalog;

namespace Ops.Gateway.Tests.Infrastructure;

/// <summary>
/// A fixed catalog: <c>search</c> (alias <c>search-api</c>) and <c>checkout</c> (alias <c>checkout-api</c>, the
/// PagerDuty routing key of the pdjs fixtures).
/// </summary>
internal sealed class TestCatalog : ICatalogView
{
    public const string CheckoutRoutingKey = "R0UT1NGKEY0000000000000000000001";

    public CatalogSnapshot Current { get; set; } = new()
    {
        Products = new Dictionary<string, ProductSpec>(StringComparer.Ordinal)
        {
            ["search"] = new() { Name = "search", Owner = "discovery", Aliases = ["search-api"] },
            ["checkout"] = new() { Name = "checkout", Owner = "payments", Aliases = ["checkout-api"], RoutingKeys = [CheckoutRoutingKey] },
        },
    };

    public event Action<CatalogSnapshot>? Changed
    {
        add { }
        remove { }
    }
}
