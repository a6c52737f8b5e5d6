using Candor.Server.Access;
using Microsoft.AspNetCore.Authorization;

namespace Candor.Server.Console.Shell;

/// <summary>A console page needs a permission: the same authorization policy (from the one role table,
/// <see cref="Roles"/>) as the API endpoint that serves its figures, authenticated by the console's session cookie.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class ConsolePermissionAttribute : AuthorizeAttribute
{
    public ConsolePermissionAttribute(Permission permission)
    {
        Permission = permission;
        Policy = permission.PolicyName();
        AuthenticationSchemes = ConsoleRegistration.Scheme;
    }

    public Permission Permission { get; }
}
