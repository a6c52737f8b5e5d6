using Candor.Server.Cluster;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Candor.Cluster.Tests;

/// <summary>The leader lock on a real PostgreSQL: one node leads, and the work moves when the holder's session dies.</summary>
public sealed class LeaderElectionTests : IAsyncLifetime
{
    private PostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Leadership_moves_to_another_node_when_the_holders_connection_dies()
    {
        var interval = TimeSpan.FromMilliseconds(300);
        var workA = new Work();
        var workB = new Work();
        var a = new LeaderElection(_database.ConnectionString, [workA], interval, TimeProvider.System, Cluster.Log);
        var b = new LeaderElection(_database.ConnectionString, [workB], interval, TimeProvider.System, Cluster.Log);
        try
        {
            await a.StartAsync(CancellationToken.None);
            await b.StartAsync(CancellationToken.None);
            await a.WaitForLeadershipAsync(TimeSpan.FromSeconds(10));
            await Task.Delay(interval * 4);

            // One leader, and only its work runs.
            Assert.True(a.IsLeader);
            Assert.False(b.IsLeader);
            Assert.Equal((1, 0), (workA.Running, workB.Running));

            // The holder's session ends (its process died, its network went): PostgreSQL releases the lock.
            await _database.TerminateAsync(a.BackendProcessId);
            await b.WaitForLeadershipAsync(TimeSpan.FromSeconds(10));
            await Cluster.WaitUntilAsync(() => Task.FromResult(!a.IsLeader && workA.Running == 0), TimeSpan.FromSeconds(10),
                "the old leader notices and stops its work");

            Assert.Equal((0, 1), (workA.Running, workB.Running));
            Assert.Equal(1, workA.Stops);

            // And back again when the new holder stops for good (a rolling upgrade).
            await b.StopAsync(CancellationToken.None);
            await a.WaitForLeadershipAsync(TimeSpan.FromSeconds(10));
            Assert.Equal((1, 0), (workA.Running, workB.Running));
            Assert.Equal(2, workA.Starts);
        }
        finally
        {
            await a.StopAsync(CancellationToken.None);
            await b.StopAsync(CancellationToken.None);
            a.Dispose();
            b.Dispose();
        }
    }

    /// <summary>Counts starts and stops of the leader's work.</summary>
    private sealed class Work : IHostedService
    {
        private int _running;

        public int Running => Volatile.Read(ref _running);

        public int Starts { get; private set; }

        public int Stops { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Starts++;
            Interlocked.Increment(ref _running);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Stops++;
            Interlocked.Decrement(ref _running);
            return Task.CompletedTask;
        }
    }
}
