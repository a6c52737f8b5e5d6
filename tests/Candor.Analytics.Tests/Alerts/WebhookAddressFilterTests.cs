using System.Net;
using Candor.Analytics.Alerts;
using Xunit;

namespace Candor.Analytics.Tests.Alerts;

/// <summary>The address filter judged directly, on address values: nothing here opens a socket.</summary>
public sealed class WebhookAddressFilterTests
{
    [Theory]
    [InlineData("127.0.0.1")] // loopback
    [InlineData("127.254.3.9")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")] // unspecified
    [InlineData("::")]
    [InlineData("10.1.2.3")] // private
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")] // carrier-grade NAT
    [InlineData("169.254.169.254")] // link-local: cloud metadata
    [InlineData("fe80::1")]
    [InlineData("fc00::1")] // unique-local
    [InlineData("fd12:3456::1")]
    [InlineData("224.0.0.1")] // multicast
    [InlineData("239.255.255.250")]
    [InlineData("ff02::1")]
    [InlineData("255.255.255.255")] // broadcast and reserved
    [InlineData("240.0.0.1")]
    [InlineData("192.0.2.10")] // documentation
    [InlineData("2001:db8::1")]
    [InlineData("198.18.0.1")] // benchmarking
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::127.0.0.1")] // IPv4-compatible
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("2002:7f00:1::")] // 6to4 of 127.0.0.1
    [InlineData("2001::1")] // Teredo
    [InlineData("fec0::1")] // site-local
    public void Internal_and_special_addresses_are_refused(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.False(WebhookAddressFilter.IsPublic(ip));
        Assert.False(WebhookAddressFilter.PublicOnly.Allows("hooks.example.com", ip));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")] // just outside 172.16.0.0/12
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:93.184.215.14")]
    [InlineData("64:ff9b::5db8:d70e")] // NAT64 of a public address
    public void Public_unicast_addresses_pass(string address) =>
        Assert.True(WebhookAddressFilter.PublicOnly.Allows("hooks.example.com", IPAddress.Parse(address)));

    [Fact]
    public void The_allowlist_lets_named_hosts_addresses_and_ranges_through_and_nothing_else()
    {
        var filter = new WebhookAddressFilter(["chat.corp.example", "10.20.0.0/16", "127.0.0.1", "fd00::5"]);
        Assert.True(filter.Allows("CHAT.corp.example.", IPAddress.Parse("10.9.9.9"))); // by name, whatever it resolves to
        Assert.True(filter.Allows("other.corp.example", IPAddress.Parse("10.20.30.40")));
        Assert.True(filter.Allows("other.corp.example", IPAddress.Parse("::ffff:10.20.30.40")));
        Assert.True(filter.Allows("127.0.0.1", IPAddress.Loopback));
        Assert.True(filter.Allows("x", IPAddress.Parse("fd00::5")));
        Assert.False(filter.Allows("other.corp.example", IPAddress.Parse("10.21.0.1")));
        Assert.False(filter.Allows("other.corp.example", IPAddress.Parse("127.0.0.2")));
        Assert.False(filter.Allows("chat.corp.example.evil.test", IPAddress.Parse("169.254.169.254")));
        Assert.False(filter.Allows("x", IPAddress.IPv6Loopback));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.0/33")]
    [InlineData("http://chat.corp.example")]
    [InlineData("bad host")]
    public void A_malformed_allowlist_entry_is_reported(string entry)
    {
        Assert.NotNull(WebhookAddressFilter.Error(entry));
        Assert.Throws<ArgumentException>(() => new WebhookAddressFilter([entry]));
    }
}
