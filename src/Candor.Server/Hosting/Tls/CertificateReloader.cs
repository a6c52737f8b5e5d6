using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Candor.Server.Hosting.Tls;

/// <summary>Holds the certificate https connections are served with and replaces it when the certificate or key file
/// changes, so that a renewed certificate (certbot, cert-manager, an operator copying files) is used by the next
/// handshake without a restart. The files are polled (their content hashed) rather than watched: a file-system watcher
/// misses the symbolic-link swap with which Kubernetes updates a mounted secret, and network file systems raise no
/// events at all. A pair that does not load (the certificate written but not yet its key, a key that is not the
/// certificate's) leaves the current certificate in place and is tried again at the next poll, with one warning per
/// content. Connections already open keep the certificate they were made with. Thread-safe: <see cref="Current"/> is
/// read by every handshake while the poll may replace it.</summary>
internal sealed partial class CertificateReloader : IHostedService, IDisposable
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private ServedCertificate _current;
    private byte[] _loadedHash;
    private byte[]? _refusedHash;
    private Task _loop = Task.CompletedTask;

    /// <summary>Starts from a pair <see cref="LoadFirst"/> read.</summary>
    public CertificateReloader(string certificatePath, string keyPath, TimeSpan interval, (ServedCertificate Certificate, byte[] Hash) first,
        ILoggerFactory loggers)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _interval = interval;
        _current = first.Certificate;
        _loadedHash = first.Hash;
        _logger = loggers.CreateLogger("Candor.Server.Tls");
    }

    /// <summary>The certificate to serve now.</summary>
    public ServedCertificate Current => Volatile.Read(ref _current);

    /// <summary>Loads the pair once, before the collector starts, or throws <see cref="CandorConfigurationException"/>
    /// naming the settings: a collector asked to serve https does not start without a certificate it can serve.</summary>
    public static (ServedCertificate Certificate, byte[] Hash) LoadFirst(string certificatePath, string keyPath)
    {
        try
        {
            var hash = Hash(certificatePath, keyPath);
            return (ServedCertificate.Load(certificatePath, keyPath), hash);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CandorConfigurationException([$"Tls:CertificatePath, Tls:KeyPath: cannot serve '{certificatePath}' with '{keyPath}': {ex.Message}"]);
        }
    }

    /// <summary>Checks the files once: loads them when their content changed since the last successful load. Returns
    /// whether the served certificate was replaced. Only the poll calls it (never two at once).</summary>
    public bool CheckNow()
    {
        byte[] hash;
        try
        {
            hash = Hash(_certificatePath, _keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Mid-replacement (a file briefly missing) or a permission slip: keep serving, look again at the next poll.
            LogUnreadable(_logger, ex.Message);
            return false;
        }

        if (hash.AsSpan().SequenceEqual(_loadedHash))
        {
            return false;
        }

        try
        {
            var next = ServedCertificate.Load(_certificatePath, _keyPath);
            Volatile.Write(ref _current, next);
            _loadedHash = hash;
            _refusedHash = null;
            // The previous certificate is not disposed: a handshake in progress may still hold it. The runtime
            // releases it once nothing does.
            LogReloaded(_logger, next.Certificate.Subject, next.Certificate.Thumbprint, next.Certificate.NotAfter.ToUniversalTime());
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            if (_refusedHash is null || !hash.AsSpan().SequenceEqual(_refusedHash))
            {
                _refusedHash = hash;
                LogRefused(_logger, ex.Message);
            }

            return false;
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var first = Current.Certificate;
        LogLoaded(_logger, first.Subject, first.Thumbprint, first.NotAfter.ToUniversalTime());
        _loop = PollAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private async Task PollAsync(CancellationToken ct)
    {
        // The system's clock, not the collector's TimeProvider: this is wall-clock housekeeping, and tests that fake the
        // collector's clock still want the files looked at.
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                CheckNow();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static byte[] Hash(string certificatePath, string keyPath)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(certificatePath));
        hash.AppendData([0]);
        hash.AppendData(File.ReadAllBytes(keyPath));
        return hash.GetHashAndReset();
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "Serving https with the certificate {Subject} ({Thumbprint}), valid until {NotAfter:u}")]
    private static partial void LogLoaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 71, Level = LogLevel.Information, Message = "The certificate files changed: now serving {Subject} ({Thumbprint}), valid until {NotAfter:u}")]
    private static partial void LogReloaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "The certificate files changed but do not load ({Reason}); still serving the previous certificate, trying again at the next check")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 73, Level = LogLevel.Debug, Message = "The certificate files could not be read ({Reason}); still serving the current certificate")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
