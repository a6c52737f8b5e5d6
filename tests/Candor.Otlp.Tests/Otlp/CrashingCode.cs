using System.Runtime.CompilerServices;

namespace Candor.Otlp.Tests.Otlp;

/// <summary>App code that fails a few frames deep, with personal data in the message, so that a crash has in-app
/// frames to group by and a message that must never be stored. Not inlined, so frames are stable in Release.</summary>
internal static class CrashingCode
{
    public const string Secret = "could not open C:\\Users\\jsmith\\Documents\\divorce.docx for jane.doe@contoso.com";

    public static Exception Capture()
    {
        try
        {
            SyncWorker.Run();
        }
        catch (Exception exception)
        {
            return exception;
        }

        throw new InvalidOperationException("the fixture did not throw");
    }

    private static class SyncWorker
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run() => Apply(() => Store.Open());

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Apply(Action step)
        {
            try
            {
                step();
            }
            catch (IOException exception)
            {
                throw new InvalidOperationException(Secret, exception);
            }
        }
    }

    private static class Store
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Open() => throw new FileNotFoundException(Secret, "divorce.docx");
    }
}
