using System.Net;
using System.Net.Sockets;

namespace Candor.Analytics.Alerts;

/// <summary>Decides which addresses a webhook delivery may connect to. A tenant chooses the URL, so without this
/// filter an admin token could make the collector POST into the operator's own network (cloud metadata, databases,
/// admin consoles). Only globally routable unicast addresses pass, unless the operator's allowlist names the host
/// or the address: loopback, link-local, private, carrier-grade NAT, unique-local, multicast, unspecified,
/// documentation and reserved ranges are refused, and an IPv6 form that embeds an IPv4 address (mapped, compatible,
/// NAT64, 6to4) is judged by the IPv4 address it carries. Immutable and thread-safe.</summary>
internal sealed class WebhookAddressFilter
{
    // Not globally reachable (RFC 6890 and the IANA special-purpose registries). 0.0.0.0/8 includes the unspecified
    // address; 240.0.0.0/4 includes the limited broadcast address.
    private static readonly IPNetwork[] RefusedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
    ];

    // Only 2000::/3 is global unicast today, so everything outside it is refused; inside it, these are not reachable
    // or not meant for delivery (Teredo and other IETF protocol assignments, documentation, ORCHIDv2).
    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");

    private static readonly IPNetwork[] RefusedV6 =
    [
        IPNetwork.Parse("2001::/23"), IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("2001:20::/28"), IPNetwork.Parse("3fff::/20"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork Nat64Local = IPNetwork.Parse("64:ff9b:1::/48");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    /// <summary>A filter that lets through, besides public addresses, every host name, address or CIDR range of
    /// <paramref name="allowlist"/> (the operator's <c>Alerts:WebhookAllowlist</c>).</summary>
    /// <exception cref="ArgumentException">An entry is empty or a malformed range; the message names it.</exception>
    public WebhookAddressFilter(IEnumerable<string> allowlist)
    {
        foreach (var raw in allowlist)
        {
            var entry = raw.Trim();
            if (Error(entry) is { } error)
            {
                throw new ArgumentException(error, nameof(allowlist));
            }

            if (IPNetwork.TryParse(entry, out var network))
            {
                _networks.Add(network);
            }
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var address))
            {
                _networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                _hosts.Add(entry.TrimEnd('.'));
            }
        }
    }

    /// <summary>A filter with an empty allowlist: public addresses only.</summary>
    public static WebhookAddressFilter PublicOnly { get; } = new([]);

    /// <summary>Why an allowlist entry is unusable, or null when it is a host name, an address or a CIDR range.</summary>
    public static string? Error(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return "an allowlist entry is empty.";
        }

        entry = entry.Trim();
        if (entry.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(entry, out _) ? null : $"'{entry}' is not a CIDR range such as 10.20.0.0/16.";
        }

        return IPAddress.TryParse(entry.Trim('[', ']'), out _) || Uri.CheckHostName(entry.TrimEnd('.')) == UriHostNameType.Dns
            ? null
            : $"'{entry}' is not a host name, an IP address or a CIDR range.";
    }

    /// <summary>Whether the operator's allowlist names <paramref name="host"/> (as written in the URL).</summary>
    public bool AllowsHost(string host) => _hosts.Contains(host.TrimEnd('.'));

    /// <summary>Whether a delivery may connect to <paramref name="address"/>, which <paramref name="host"/> resolved
    /// to: the host or the address is on the allowlist, or the address is public.</summary>
    public bool Allows(string host, IPAddress address) =>
        AllowsHost(host) || _networks.Exists(n => n.Contains(Canonical(address))) || IsPublic(address);

    /// <summary>Whether <paramref name="address"/> is a globally routable unicast address (the allowlist aside).</summary>
    public static bool IsPublic(IPAddress address)
    {
        address = Canonical(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !Array.Exists(RefusedV4, n => n.Contains(address));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || address.ScopeId != 0)
        {
            return false;
        }

        if (Nat64.Contains(address) || SixToFour.Contains(address))
        {
            // The packet ends at the IPv4 address inside, so that is the address to judge.
            return IsPublic(EmbeddedV4(address, SixToFour.Contains(address) ? 2 : 12));
        }

        return !Nat64Local.Contains(address) && GlobalUnicastV6.Contains(address) && !Array.Exists(RefusedV6, n => n.Contains(address));
    }

    /// <summary>The IPv4 address an IPv4-mapped (<c>::ffff:a.b.c.d</c>) or IPv4-compatible (<c>::a.b.c.d</c>)
    /// address stands for, so that <c>::ffff:127.0.0.1</c> is judged as loopback; any other address unchanged.</summary>
    private static IPAddress Canonical(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            if (bytes[..12].IndexOfAnyExcept((byte)0) < 0 && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && bytes[15] <= 1))
            {
                return new IPAddress(bytes[12..]);
            }
        }

        return address;
    }

    private static IPAddress EmbeddedV4(IPAddress address, int offset)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return new IPAddress(bytes.Slice(offset, 4));
    }
}
