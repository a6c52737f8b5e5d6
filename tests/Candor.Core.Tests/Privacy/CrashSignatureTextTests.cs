using Candor.Core.Privacy;

namespace Candor.Core.Tests.Privacy;

/// <summary>The text of an exception (what OpenTelemetry sends as <c>exception.stacktrace</c>) gives the same type and
/// signature as the exception itself, for every shape <see cref="CrashSignatureTests"/> covers.</summary>
public sealed class CrashSignatureTextTests
{
    public static TheoryData<string> Shapes() =>
    [
        "outer", "lambda", "local function", "generic nested", "wrapped", "wrapped unthrown", "framework", "recursion",
        "aggregate", "never thrown", "async", "async lambda", "rethrown through await",
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Text_of_an_exception_gives_the_same_type_and_signature_as_the_exception(string shape)
    {
        var exception = await Make(shape);
        var fromException = CrashSignature.Create(exception);
        var fromText = CrashSignature.FromText(exception.ToString(), exception.GetType().Name);

        Assert.Equal(fromException.ExceptionType, fromText.ExceptionType);
        Assert.Equal(fromException.StackSignature, fromText.StackSignature);
        Assert.Equal(fromException.RootCauseType, fromText.RootCauseType);
    }

    [Fact]
    public void Text_without_a_type_falls_back_to_the_given_name_and_reads_no_message()
    {
        var report = CrashSignature.FromText("jane@contoso.com wrote: C:\\Users\\jsmith\n   at App.Sync.Run() in C:\\Users\\jsmith\\src\\Sync.cs:line 12", "IOException");

        Assert.Equal("IOException", report.ExceptionType);
        Assert.Equal("App.Sync.Run", report.StackSignature);
    }

    [Fact]
    public void Shortened_signatures_keep_whole_frames_and_name_an_empty_one()
    {
        Assert.Equal("A.B.C|D.E.F", CrashSignature.Shorten("A.B.C|D.E.F|G.H.I", 12));
        Assert.Equal("A.B.C|D.E.F|G.H.I", CrashSignature.Shorten("A.B.C|D.E.F|G.H.I", 128));
        Assert.Equal("unknown", CrashSignature.Shorten("", 128));
        Assert.Equal("ABCD", CrashSignature.Shorten("ABCDEFGH|X", 4));
    }

    private static async Task<Exception> Make(string shape)
    {
        switch (shape)
        {
            case "async":
                return await Assert.ThrowsAsync<InvalidOperationException>(CrashFixtures.DoWorkAsync);
            case "async lambda":
                return await Assert.ThrowsAsync<InvalidOperationException>(CrashFixtures.RunAsyncLambda);
            case "rethrown through await":
                return await Assert.ThrowsAsync<InvalidOperationException>(async () => await CallerAsync());
            case "aggregate":
                return new AggregateException(CrashSignatureTests.Catch(CrashFixtures.OpenSettings), CrashSignatureTests.Catch(CrashFixtures.Outer));
            case "never thrown":
                return new InvalidOperationException("never thrown");
            default:
                return CrashSignatureTests.Catch(shape switch
                {
                    "outer" => CrashFixtures.Outer,
                    "lambda" => CrashFixtures.RunLambda,
                    "local function" => CrashFixtures.RunLocalFunction,
                    "generic nested" => () => _ = CrashFixtures.Repository<string>.Nested.Load(),
                    "wrapped" => CrashFixtures.Wrap,
                    "wrapped unthrown" => CrashFixtures.WrapUnthrown,
                    "framework" => () => _ = CrashFixtures.ParseNumber(),
                    "recursion" => () => _ = CrashFixtures.Recurse(50),
                    _ => throw new ArgumentOutOfRangeException(nameof(shape)),
                });
        }
    }

    private static async Task CallerAsync()
    {
        await CrashFixtures.DoWorkAsync();
    }
}
