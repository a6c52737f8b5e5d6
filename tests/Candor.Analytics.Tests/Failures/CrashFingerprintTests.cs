using Candor.Analytics.Failures;
using Xunit;

namespace Candor.Analytics.Tests.Failures;

public sealed class CrashFingerprintTests
{
    [Fact]
    public void Line_numbers_offsets_and_arguments_do_not_split_a_group()
    {
        var a = CrashFingerprint.Compute("System.NullReferenceException", "App!Sync.Engine.Apply(Delta d) in C:\\src\\Engine.cs:line 42|App!Sync.Runner.Run");
        var b = CrashFingerprint.Compute("System.NullReferenceException", "App!Sync.Engine.Apply +0x1a|App!Sync.Runner.Run [0x0004f]");
        Assert.Equal(a, b);
        Assert.Equal("App!Sync.Engine.Apply | App!Sync.Runner.Run", a.Frames);
    }

    [Fact]
    public void Framework_frames_are_left_out_but_product_frames_under_Microsoft_Dynamics_are_kept()
    {
        var frames = CrashFingerprint.Normalise(
            "System.Threading.Tasks.Task.Run|Microsoft.Extensions.Hosting.Host.Start|Microsoft.Dynamics.FieldService.Sync!SyncEngine.ApplyDeltaAsync|System.Private.CoreLib!Thread.Start");
        Assert.Equal(["Microsoft.Dynamics.FieldService.Sync!SyncEngine.ApplyDeltaAsync"], frames);
    }

    [Fact]
    public void Recursion_collapses_to_one_pass()
    {
        Assert.Equal(["App.Tree.Walk"], CrashFingerprint.Normalise("App.Tree.Walk|App.Tree.Walk|App.Tree.Walk"));
        Assert.Equal(["App.A.Even", "App.A.Odd", "App.Main.Run"],
            CrashFingerprint.Normalise("App.A.Even|App.A.Odd|App.A.Even|App.A.Odd|App.A.Even|App.A.Odd|App.Main.Run"));
    }

    [Fact]
    public void The_exception_type_and_the_frames_both_decide_the_group()
    {
        var a = CrashFingerprint.Compute("System.NullReferenceException", "App.X.Run");
        Assert.NotEqual(a.Fingerprint, CrashFingerprint.Compute("System.InvalidOperationException", "App.X.Run").Fingerprint);
        Assert.NotEqual(a.Fingerprint, CrashFingerprint.Compute("System.NullReferenceException", "App.Y.Run").Fingerprint);
    }

    [Fact]
    public void A_stack_of_framework_frames_only_keeps_them_rather_than_grouping_every_such_crash_together()
    {
        Assert.Equal(["System.Threading.Thread.Start"], CrashFingerprint.Normalise("System.Threading.Thread.Start"));
    }
}
