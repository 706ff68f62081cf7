using Ops.Grains.Remediation;

namespace Ops.Grains.Tests.Remediation;

public sealed class StepTemplateTests
{
    private static readonly StepContext s_context = new()
    {
        Product = "checkout",
        IdempotencyKey = "k",
        Fingerprint = "fp",
        Labels = new Dictionary<string, string> { ["v"] = "a/b \"c\"\r\nX-Evil: 1" },
    };

    [Theory]
    [InlineData(TemplateEscaping.Url, "a%2Fb%20%22c%22%0D%0AX-Evil%3A%201")]
    [InlineData(TemplateEscaping.Json, "a/b \\u0022c\\u0022\\r\\nX-Evil: 1")]
    [InlineData(TemplateEscaping.Header, "a/b \"c\"X-Evil: 1")]
    [InlineData(TemplateEscaping.Argument, "a/b \"c\"\r\nX-Evil: 1")]
    public void A_value_is_escaped_for_where_it_lands(TemplateEscaping escaping, string expected)
    {
        Assert.True(StepTemplate.TryFill("{{label.v}}", s_context, escaping, out var filled, out _));
        Assert.Equal(expected, filled);
    }

    [Fact]
    public void Product_and_fingerprint_fill_and_text_around_them_is_kept()
    {
        Assert.True(StepTemplate.TryFill("/{{product}}/{{ fingerprint }}/x", s_context, TemplateEscaping.Url, out var filled, out _));
        Assert.Equal("/checkout/fp/x", filled);
    }

    [Fact]
    public void An_unknown_placeholder_fails_the_fill()
    {
        Assert.False(StepTemplate.TryFill("{{secret}}", s_context, TemplateEscaping.Url, out _, out var error));
        Assert.Equal("template {{secret}} has no value for product 'checkout'", error);
    }
}
