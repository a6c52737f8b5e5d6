using Candor.Core.Model;

namespace Candor.Core.Tests.Model;

public sealed class Uuid7Tests
{
    private static readonly byte[] Bits = [0xFF, 0x11, 0xFF, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];

    [Fact]
    public void Id_carries_the_time_the_version_and_the_variant()
    {
        var time = new DateTimeOffset(2026, 11, 29, 10, 0, 0, 123, TimeSpan.Zero);
        var text = Uuid7.Create(time, Bits).ToString();

        Assert.Equal(time.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture), text[..8] + text[9..13]);
        Assert.Equal('7', text[14]);
        Assert.Contains(text[19], "89ab");
        Assert.Equal("7f11-bf22-334455667788", text[14..]);
    }

    [Fact]
    public void Same_time_and_bits_give_the_same_id_and_later_times_sort_after()
    {
        var time = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(Uuid7.Create(time, Bits), Uuid7.Create(time, [.. Bits]));
        Assert.True(string.CompareOrdinal(Uuid7.Create(time, Bits).ToString(), Uuid7.Create(time.AddMilliseconds(1), new byte[10]).ToString()) < 0);
    }

    [Fact]
    public void Too_few_bits_are_refused() =>
        Assert.Throws<ArgumentException>(() => Uuid7.Create(DateTimeOffset.UnixEpoch, new byte[9]));
}
