using Candor.Analytics.Versions;
using FsCheck.Xunit;
using Xunit;

namespace Candor.Analytics.Tests.Versions;

public sealed class AppVersionComparerTests
{
    [Fact]
    public void Versions_order_by_number_not_text()
    {
        string[] sorted = ["1.2.0-beta", "1.2.0", "1.9.2411.3", "1.10.0", "1.10.0.1", "2.0", "10.0"];
        Assert.Equal(sorted, sorted.Reverse().Order(AppVersionComparer.Instance));
    }

    [Property]
    public bool Ordering_is_antisymmetric_and_only_equal_strings_compare_equal(string? a, string? b)
    {
        var ab = AppVersionComparer.Instance.Compare(a, b);
        var ba = AppVersionComparer.Instance.Compare(b, a);
        return Math.Sign(ab) == -Math.Sign(ba) && (ab == 0) == (a == b);
    }
}
