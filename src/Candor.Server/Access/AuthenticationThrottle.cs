using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Candor.Server.Access;

/// <summary>Limits of <see cref="AuthenticationThrottle"/>; defaults documented in docs/security.md.</summary>
internal sealed class AuthenticationThrottleOptions
{
    /// <summary>Failures one source address may make per <see cref="Window"/>. Default 300.</summary>
    public int FailuresPerAddress { get; init; } = 300;

    /// <summary>Failures with one credential prefix per <see cref="Window"/>. Default 30.</summary>
    public int FailuresPerPrefix { get; init; } = 30;

    /// <summary>The counting window. Default 60 s.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many addresses and prefixes are tracked at most; when full, expired windows are dropped, and if
    /// none has expired the new key is not tracked (the store of counters must not become the memory attack the
    /// throttle defends against). Default 100,000.</summary>
    public int MaxTrackedKeys { get; init; } = 100_000;
}

/// <summary>Counts failed authentications per source address and per credential prefix, and says when either has
/// failed too often in the current window. One instance serves the API's bearer tokens, the operator token and the
/// web console's sign-in: the caller asks <see cref="RetryAfter"/> before checking a credential it has not seen
/// valid, answers 429 with <c>Retry-After</c> when it returns a wait, and calls <see cref="RecordFailure"/> when a
/// presented credential is refused. Guessing a 256-bit secret is hopeless anyway; the throttle keeps a guesser from
/// turning each guess into a store lookup, and bounds what a leaked prefix is worth. Addresses are counted IPv4 by
/// address and IPv6 by /64 (one host usually holds a whole /64). Thread-safe.</summary>
internal sealed class AuthenticationThrottle(AuthenticationThrottleOptions options, TimeProvider time)
{
    /// <summary>How many leading characters of a credential form its prefix: the kind (<c>cik_</c>, <c>cat_</c>) and
    /// eight random characters, enough to single out one credential, too few to help guess it.</summary>
    public const int PrefixLength = 12;

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>The limits in force.</summary>
    public AuthenticationThrottleOptions Options => options;

    /// <summary>How long the caller must wait before presenting a credential from <paramref name="address"/> or with
    /// the prefix of <paramref name="credential"/>, or null when it may go ahead.</summary>
    public TimeSpan? RetryAfter(IPAddress? address, string? credential)
    {
        var now = time.GetUtcNow();
        var byAddress = Wait(AddressKey(address), options.FailuresPerAddress, now);
        var byPrefix = Wait(PrefixKey(credential), options.FailuresPerPrefix, now);
        return byAddress is null ? byPrefix : byPrefix is null ? byAddress : TimeSpan.FromTicks(Math.Max(byAddress.Value.Ticks, byPrefix.Value.Ticks));
    }

    /// <summary>Counts one refused credential against its source address and its prefix.</summary>
    public void RecordFailure(IPAddress? address, string? credential)
    {
        var now = time.GetUtcNow();
        Count(AddressKey(address), now);
        Count(PrefixKey(credential), now);
    }

    private TimeSpan? Wait(string? key, int limit, DateTimeOffset now)
    {
        if (key is null || !_counters.TryGetValue(key, out var counter))
        {
            return null;
        }

        lock (counter)
        {
            var ends = counter.Start + options.Window;
            return counter.Failures >= limit && ends > now ? ends - now : null;
        }
    }

    private void Count(string? key, DateTimeOffset now)
    {
        if (key is null)
        {
            return;
        }

        if (!_counters.TryGetValue(key, out var counter))
        {
            if (_counters.Count >= options.MaxTrackedKeys)
            {
                Prune(now);
                if (_counters.Count >= options.MaxTrackedKeys)
                {
                    return;
                }
            }

            counter = _counters.GetOrAdd(key, _ => new Counter { Start = now });
        }

        lock (counter)
        {
            if (counter.Start + options.Window <= now)
            {
                counter.Start = now;
                counter.Failures = 0;
            }

            counter.Failures++;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, counter) in _counters)
        {
            if (counter.Start + options.Window <= now)
            {
                _counters.TryRemove(key, out _);
            }
        }
    }

    private static string? AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
            return "a:" + new IPAddress(bytes) + "/64";
        }

        return "a:" + address;
    }

    private static string? PrefixKey(string? credential) =>
        string.IsNullOrEmpty(credential) ? null : "p:" + credential[..Math.Min(PrefixLength, credential.Length)];

    private sealed class Counter
    {
        public DateTimeOffset Start { get; set; }

        public int Failures { get; set; }
    }
}
