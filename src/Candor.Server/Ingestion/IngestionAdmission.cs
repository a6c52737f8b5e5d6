using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Ingestion;

/// <summary>What a request must get past before either ingestion endpoint reads its events: at most
/// <see cref="IngestionLimits.MaxConcurrentRequestsPerAddress"/> requests in progress per client address and
/// <see cref="IngestionLimits.MaxConcurrentRequestsPerKey"/> per ingestion key, and a body that arrives whole within
/// <see cref="IngestionLimits.MaxBodyTime"/> (Kestrel enforces the minimum data rate). A body that cannot be read
/// (malformed chunked framing, say) is answered <c>400</c> with one log line and no stack trace; a client that went
/// away mid-body is logged at debug only, since nobody is left to answer. The client's address is used only as an
/// in-memory counter key while its requests are in progress: never stored, never logged. One per collector;
/// thread-safe.</summary>
internal sealed partial class IngestionAdmission(IngestionLimits limits, ILogger logger)
{
    /// <summary>The read failed because the client went away: there is no one to answer.</summary>
    public static readonly BatchError ClientGone = new(499, "client_gone", "The client closed the connection before the body arrived.");

    private static readonly BatchError Unreadable = new(400, "bad_request", "The request body could not be read (malformed framing).");

    private readonly ConcurrencyBound<IPAddress> _perAddress = new(limits.MaxConcurrentRequestsPerAddress);
    private readonly ConcurrencyBound<Guid> _perKey = new(limits.MaxConcurrentRequestsPerKey);

    /// <summary>How long a refused client should wait before it retries.</summary>
    public static TimeSpan RetryAfter { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests in progress, counted by address (for tests).</summary>
    internal int InProgressByAddress => _perAddress.Total;

    /// <summary>Requests in progress, counted by ingestion key (for tests).</summary>
    internal int InProgressByKey => _perKey.Total;

    /// <summary>A place for the request's client address, or a 429 error when that address has too many requests
    /// in progress. Dispose the slot when the request ends.</summary>
    public BatchError? TryEnterAddress(HttpContext context, out ConcurrencyBound<IPAddress>.Slot slot)
    {
        slot = default;
        if (context.Connection.RemoteIpAddress is not { } address || _perAddress.TryEnter(Bucket(address), out slot))
        {
            return null;
        }

        return new BatchError(429, "too_many_concurrent_requests",
            $"This address has {limits.MaxConcurrentRequestsPerAddress} requests in progress, the most allowed; retry when one ends.");
    }

    /// <summary>A place for the ingestion key (the credential), or a 429 error when it has too many requests in
    /// progress. Dispose the slot when the request ends.</summary>
    public BatchError? TryEnterKey(Guid credentialId, out ConcurrencyBound<Guid>.Slot slot) =>
        _perKey.TryEnter(credentialId, out slot)
            ? null
            : new BatchError(429, "too_many_concurrent_requests",
                $"This ingestion key has {limits.MaxConcurrentRequestsPerKey} requests in progress, the most allowed; retry when one ends.");

    /// <summary>Reads the body within the limits and the body deadline. Returns the body, or the error to answer
    /// (<see cref="ClientGone"/> when nobody is left to answer).</summary>
    public async Task<(PooledBody? Body, BatchError? Error)> ReadBodyAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(limits.MaxBodyTime);
        try
        {
            return await RequestBody.ReadAsync(context.Request, limits, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            LogBodyTimeout(logger, (int)limits.MaxBodyTime.TotalSeconds);

            // The rest of the body may still be trickling in: close the connection after the answer rather than
            // read it to reuse the connection.
            context.Response.Headers.Connection = "close";
            return (null, BodyTimeout);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            LogBodyTooSlow(logger);
            return (null, BodyTimeout);
        }
        catch (Exception ex) when (IsClientGone(ex, aborted))
        {
            LogClientGone(logger, ex.GetType().Name);
            return (null, ClientGone);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException)
        {
            // Kestrel reports some framing errors (a chunk size that overflows) as a bare IOException; either way the
            // message names the framing problem, never a value from the body or the client's address.
            LogUnreadable(logger, ex.Message);
            return (null, ex is BadHttpRequestException { StatusCode: var status } && status != 400
                ? new BatchError(status, Http.Problems.CodeFor(status), "The request body could not be read.")
                : Unreadable);
        }
    }

    /// <summary>Notes, at debug level, a client that went away while its request waited for something other than its
    /// body (the credential look-up, the store): the same line as for a reset mid-body, because to the operator it is
    /// the same event and never a failure.</summary>
    public void ClientWentAway(OperationCanceledException ex) => LogClientGone(logger, ex.GetType().Name);

    /// <summary>Whether a failed read means the client went away: the connection was aborted or reset, or it was
    /// closed before the declared length arrived (Kestrel's "Unexpected end of request content", a 400 whose reason
    /// is not public).</summary>
    private static bool IsClientGone(Exception ex, CancellationToken aborted) =>
        aborted.IsCancellationRequested || ex is ConnectionResetException or OperationCanceledException
        || (ex is BadHttpRequestException && ex.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal));

    private BatchError BodyTimeout => new(408, "body_timeout",
        $"The body did not arrive in time (at most {(int)limits.MaxBodyTime.TotalSeconds} s, and not slower than the minimum data rate).");

    /// <summary>The counter key of an address: IPv4 (mapped or not) as is, IPv6 by its /64 prefix, the smallest block
    /// one subscriber is given, so that rotating through one's own addresses does not multiply the bound.</summary>
    internal static IPAddress Bucket(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Refused a request body that could not be read: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Debug, Message = "The client went away before its request body arrived ({Exception})")]
    private static partial void LogClientGone(ILogger logger, string exception);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Refused a request body that took longer than {Seconds} s to arrive")]
    private static partial void LogBodyTimeout(ILogger logger, int seconds);

    [LoggerMessage(EventId = 33, Level = LogLevel.Information, Message = "Refused a request body that arrived slower than the minimum data rate")]
    private static partial void LogBodyTooSlow(ILogger logger);
}
