using System.Globalization;
using System.Runtime.CompilerServices;
using Candor.Core.Privacy;

namespace Candor.Core.Tests.Privacy;

public sealed class CrashSignatureTests
{
    private const string Secret = @"C:\Users\jsmith\Documents\divorce.docx for jane@contoso.com";
    private const string Here = "Candor.Core.Tests.Privacy.CrashFixtures";

    [Fact]
    public void Report_holds_the_type_hresult_and_in_app_frames_throw_site_first()
    {
        var report = CrashSignature.Create(Catch(CrashFixtures.Outer));

        Assert.Equal("System.InvalidOperationException", report.ExceptionType);
        Assert.Equal(new InvalidOperationException().HResult, report.HResult);
        Assert.Null(report.RootCauseType);
        Assert.StartsWith($"{Here}.Inner|{Here}.Outer|", report.StackSignature, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_text_never_appears_in_the_report()
    {
        var report = CrashSignature.Create(Catch(CrashFixtures.Outer));
        var text = string.Join("\n", report.ExceptionType, report.StackSignature, report.RootCauseType);

        Assert.DoesNotContain("jsmith", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("jane", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("divorce", text, StringComparison.OrdinalIgnoreCase);
        Assert.False(PiiScanner.Default.TryFindFirst(text, out _));
    }

    [Fact]
    public void File_paths_and_line_numbers_never_appear_in_the_signature()
    {
        var signature = CrashSignature.Create(Catch(CrashFixtures.Outer)).StackSignature;

        Assert.DoesNotContain("/", signature, StringComparison.Ordinal);
        Assert.DoesNotContain("\\", signature, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs", signature, StringComparison.Ordinal);
        Assert.DoesNotContain(":line", signature, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.UserName, signature.Split('|', '.'));
    }

    [Fact]
    public async Task Async_state_machine_frames_are_normalised_to_the_method_name()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(CrashFixtures.DoWorkAsync);
        var signature = CrashSignature.Create(exception).StackSignature;

        Assert.StartsWith($"{Here}.DoWorkAsync", signature, StringComparison.Ordinal);
        Assert.DoesNotContain("MoveNext", signature, StringComparison.Ordinal);
        Assert.DoesNotContain("<", signature, StringComparison.Ordinal);
    }

    [Fact]
    public void Lambda_frames_are_normalised_to_the_enclosing_method()
    {
        var signature = CrashSignature.Create(Catch(CrashFixtures.RunLambda)).StackSignature;

        Assert.StartsWith($"{Here}.RunLambda.lambda|{Here}.RunLambda", signature, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Async_lambda_frames_are_normalised_to_the_enclosing_method()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(CrashFixtures.RunAsyncLambda);
        var signature = CrashSignature.Create(exception).StackSignature;

        Assert.StartsWith($"{Here}.RunAsyncLambda.lambda", signature, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_function_frames_are_named_after_the_method_and_the_function()
    {
        var signature = CrashSignature.Create(Catch(CrashFixtures.RunLocalFunction)).StackSignature;

        Assert.StartsWith($"{Here}.RunLocalFunction.Validate|{Here}.RunLocalFunction", signature, StringComparison.Ordinal);
    }

    [Fact]
    public void Generic_and_nested_types_lose_their_arity_and_use_dots()
    {
        var signature = CrashSignature.Create(Catch(() => _ = CrashFixtures.Repository<string>.Nested.Load())).StackSignature;

        Assert.StartsWith($"{Here}.Repository.Nested.Load", signature, StringComparison.Ordinal);
        Assert.DoesNotContain("`", signature, StringComparison.Ordinal);
        Assert.DoesNotContain("+", signature, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrapped_exception_reports_the_outer_type_and_the_root_cause_frames()
    {
        var report = CrashSignature.Create(Catch(CrashFixtures.Wrap));

        Assert.Equal("System.ApplicationException", report.ExceptionType);
        Assert.Equal(new ApplicationException().HResult, report.HResult);
        Assert.Equal("System.IO.FileNotFoundException", report.RootCauseType);
        Assert.StartsWith($"{Here}.OpenSettings|{Here}.Wrap", report.StackSignature, StringComparison.Ordinal);
    }

    [Fact]
    public void Aggregate_exception_follows_its_first_inner_exception()
    {
        var aggregate = new AggregateException(Catch(CrashFixtures.OpenSettings), new TimeoutException());
        var report = CrashSignature.Create(aggregate);

        Assert.Equal("System.AggregateException", report.ExceptionType);
        Assert.Equal("System.IO.FileNotFoundException", report.RootCauseType);
        Assert.StartsWith($"{Here}.OpenSettings", report.StackSignature, StringComparison.Ordinal);
    }

    [Fact]
    public void Root_cause_that_was_never_thrown_falls_back_to_the_nearest_wrapper_with_frames()
    {
        var report = CrashSignature.Create(Catch(CrashFixtures.WrapUnthrown));

        Assert.Equal("System.ArgumentException", report.RootCauseType);
        Assert.StartsWith($"{Here}.WrapUnthrown", report.StackSignature, StringComparison.Ordinal);
    }

    [Fact]
    public void Exception_that_was_never_thrown_has_an_empty_signature()
    {
        var report = CrashSignature.Create(new InvalidOperationException(Secret));

        Assert.Equal("System.InvalidOperationException", report.ExceptionType);
        Assert.Equal(string.Empty, report.StackSignature);
    }

    [Fact]
    public void Framework_frames_are_left_out()
    {
        var signature = CrashSignature.Create(Catch(() => _ = CrashFixtures.ParseNumber())).StackSignature;

        Assert.StartsWith($"{Here}.ParseNumber", signature, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", signature, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_holds_at_most_twenty_frames()
    {
        var signature = CrashSignature.Create(Catch(() => _ = CrashFixtures.Recurse(50))).StackSignature;

        Assert.Equal(CrashSignature.MaximumFrames, signature.Split('|').Length);
        Assert.All(signature.Split('|'), frame => Assert.Equal($"{Here}.Recurse", frame));
    }

    [Fact]
    public void Create_rejects_null() => Assert.Throws<ArgumentNullException>(() => CrashSignature.Create(null!));

    [Theory]
    [InlineData("<DoWork>d__5", "DoWork")]
    [InlineData("<Main>b__0_0", "Main.lambda")]
    [InlineData("<<Main>b__0_0>d", "Main.lambda")]
    [InlineData("<Main>g__Parse|0_0", "Main.Parse")]
    [InlineData("<>c", null)]
    [InlineData("<>c__DisplayClass4_0", null)]
    [InlineData("Run", null)]
    [InlineData("<", null)]
    [InlineData("<unclosed", null)]
    public void Generated_names_map_back_to_source_names(string generated, string? expected) =>
        Assert.Equal(expected, CrashSignature.GeneratedMemberName(generated));

    internal static Exception Catch(Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception)
        {
            return exception;
        }

        throw new InvalidOperationException("the fixture did not throw");
    }
}

/// <summary>Code that fails in the shapes a crash report must normalise. Not inlined, so frames are stable in Release.
/// </summary>
internal static class CrashFixtures
{
    private const string Secret = @"C:\Users\jsmith\Documents\divorce.docx for jane@contoso.com";

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Outer() => Inner();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Inner() => throw new InvalidOperationException(Secret);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task DoWorkAsync()
    {
        await Task.Yield();
        throw new InvalidOperationException(Secret);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void RunLambda()
    {
        Action fail = () => throw new InvalidOperationException(Secret);
        fail();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task RunAsyncLambda()
    {
        Func<Task> fail = async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException(Secret);
        };
        await fail();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void RunLocalFunction()
    {
        Validate(Secret);

        [MethodImpl(MethodImplOptions.NoInlining)]
        static void Validate(string value) => throw new ArgumentException(value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Wrap()
    {
        try
        {
            OpenSettings();
        }
        catch (FileNotFoundException exception)
        {
            throw new ApplicationException(Secret, exception);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WrapUnthrown() => throw new InvalidOperationException(Secret, new ArgumentException(Secret));

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void OpenSettings() => throw new FileNotFoundException(Secret, Secret);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int ParseNumber() => int.Parse("not a number " + Secret, CultureInfo.InvariantCulture);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Recurse(int depth) => depth == 0 ? throw new InvalidOperationException(Secret) : Recurse(depth - 1) + 1;

    public static class Repository<T>
    {
        public static class Nested
        {
            [MethodImpl(MethodImplOptions.NoInlining)]
            public static T Load() => throw new InvalidOperationException(Secret);
        }
    }
}
