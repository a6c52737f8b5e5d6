namespace Candor.Client;

internal static class ClientInfo
{
    public const string SdkVersion = "1.0.0";

    /// <summary>The <c>sdk</c> value of every envelope and the User-Agent of every request.</summary>
    public const string SdkName = "candor-dotnet/" + SdkVersion;
}
