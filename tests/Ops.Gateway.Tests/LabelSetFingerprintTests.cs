using Ops.Gateway.Ingest;

namespace Ops.Gateway.Tests;

public sealed class LabelSetFingerprintTests
{
    [Fact]
    public void Matches_the_fingerprint_Alertmanager_computed_for_the_same_labels()
    {
        var labels = new Dictionary<string, string> { ["severity"] = "warning", ["alertname"] = "SearchLatencyHigh", ["product"] = "search" };

        Assert.Equal("231fdd1a303614ca", LabelSetFingerprint.Compute(labels));
    }

    [Fact]
    public void An_empty_label_set_has_the_FNV_offset_basis_as_in_Prometheus()
    {
        Assert.Equal("cbf29ce484222325", LabelSetFingerprint.Compute(new Dictionary<string, string>()));
    }

    [Fact]
    public void Does_not_depend_on_the_order_labels_were_given_in()
    {
        var forward = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["ü"] = "3" };
        var backward = new Dictionary<string, string> { ["ü"] = "3", ["b"] = "2", ["a"] = "1" };

        Assert.Equal(LabelSetFingerprint.Compute(forward), LabelSetFingerprint.Compute(backward));
    }

    [Fact]
    public void Keeps_name_and_value_apart_with_the_separator()
    {
        var one = new Dictionary<string, string> { ["ab"] = "c" };
        var other = new Dictionary<string, string> { ["a"] = "bc" };

        Assert.NotEqual(LabelSetFingerprint.Compute(one), LabelSetFingerprint.Compute(other));
    }
}
