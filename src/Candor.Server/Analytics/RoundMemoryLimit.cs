using System.Globalization;
using Candor.Storage;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Analytics;

/// <summary>Lowers DuckDB's <c>memory_limit</c> while a background analytics round runs, and puts the configured limit back
/// after it (issue 11, docs/operations.md "Memory and back-pressure"). The collector's peak resident memory is set by the
/// rounds: DuckDB's buffer pool stays full of cached table blocks at the configured limit, and a round's statements (the
/// projection's inserts, above all the durations' sort and anti-join) hold 130 to 200 MiB more that its buffer accounting
/// does not count (allocator overhead, operator state), on top of the ingest running beside them. Traced on a 10 M event
/// store, the peak followed the limit: 384 MiB instead of 512 cut a round's peak by about 170 MiB, at the same projection
/// time. Lowering the limit for the round only evicts cached blocks (reread later) and leaves ingest and queries the whole
/// cache between rounds. PostgreSQL has no such limit: the collector makes no instance there.</summary>
internal sealed partial class RoundMemoryLimit
{
    /// <summary>The share of the configured limit a round runs under.</summary>
    public const double RoundShare = 0.75;

    /// <summary>DuckDB's smallest accepted limit (the store's options refuse less).</summary>
    private const int MinimumMiB = 64;

    private readonly IAnalyticsStore _store;
    private readonly ILogger _logger;

    public RoundMemoryLimit(IAnalyticsStore store, int limitMiB, ILogger logger)
    {
        if (store.Dialect != SqlDialect.DuckDb)
        {
            throw new ArgumentException("Only a DuckDB store has a memory limit.", nameof(store));
        }

        (_store, _logger, LimitMiB) = (store, logger, limitMiB);
        RoundLimitMiB = Math.Max(MinimumMiB, (int)(limitMiB * RoundShare));
    }

    /// <summary>The limit the store runs with between rounds (its configured one).</summary>
    public int LimitMiB { get; }

    /// <summary>The limit during a round.</summary>
    public int RoundLimitMiB { get; }

    /// <summary>Sets the round's limit; the result puts the configured one back when disposed, even when the round
    /// failed or the collector is stopping. A limit DuckDB cannot reach at once (it could not evict enough) is logged and
    /// the round runs under the configured one: the limit bounds memory, it must not stop analytics.</summary>
    public async Task<IAsyncDisposable> LowerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SetAsync(RoundLimitMiB, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotLowered(_logger, ex, RoundLimitMiB);
            return Restore.None;
        }

        return new Restore(this);
    }

    private Task SetAsync(int mib, CancellationToken cancellationToken) =>
        _store.QueryAsync(new SqlStatement(string.Create(CultureInfo.InvariantCulture, $"SET memory_limit = '{mib}MiB'")), cancellationToken);

    private sealed class Restore(RoundMemoryLimit? owner) : IAsyncDisposable
    {
        public static readonly Restore None = new(null);

        public async ValueTask DisposeAsync()
        {
            if (owner is null)
            {
                return;
            }

            try
            {
                // Not cancellable: a stopping collector still leaves the store at its configured limit.
                await owner.SetAsync(owner.LimitMiB, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Raising a limit frees nothing and cannot fail for memory; a store being disposed can refuse it, and
                // the next round sets both again.
                LogNotRestored(owner._logger, ex, owner.LimitMiB);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics round: could not lower DuckDB's memory limit to {RoundLimitMiB} MiB; the round runs under the configured limit.")]
    private static partial void LogNotLowered(ILogger logger, Exception ex, int roundLimitMiB);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics round: could not set DuckDB's memory limit back to {LimitMiB} MiB.")]
    private static partial void LogNotRestored(ILogger logger, Exception ex, int limitMiB);
}
