using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Candor.Cli.Catalog;
using Candor.Cli.Serve;
using Candor.Server;
using Candor.Server.Stores;
using Candor.Server.Tenants;
using Candor.Storage;

namespace Candor.Cli.Tenants;

/// <summary><c>candor tenant create|list|credentials|issue|revoke</c> on a data folder that no running collector
/// holds (a running one has the same through its operator endpoints). Secrets are printed once; only their
/// hashes are stored.</summary>
internal static class TenantCommands
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create()
    {
        var tenant = new Command("tenant", "Create tenants and issue, rotate and revoke their ingestion keys and admin tokens.");
        tenant.Subcommands.Add(CreateCommand());
        tenant.Subcommands.Add(ListCommand());
        tenant.Subcommands.Add(CredentialsCommand());
        tenant.Subcommands.Add(IssueCommand());
        tenant.Subcommands.Add(RevokeCommand());
        return tenant;
    }

    private sealed record StoreOptions(Option<string?> Data, Option<string?> Store, Option<string?> Catalogs);

    private static StoreOptions AddStoreOptions(Command command)
    {
        var options = new StoreOptions(
            new Option<string?>("--data") { Description = "The data folder of the embedded store. Default: ./candor-data." },
            new Option<string?>("--store") { Description = "duckdb (default) or a PostgreSQL URL." },
            new Option<string?>("--catalogs") { Description = "The catalogs root. Default: $CANDOR_HOME/catalog." });
        command.Options.Add(options.Data);
        command.Options.Add(options.Store);
        command.Options.Add(options.Catalogs);
        return options;
    }

    private static CandorServerOptions ServerOptions(ParseResult parse, StoreOptions o)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (parse.GetValue(o.Data) is { } data)
        {
            flags["Data"] = data;
        }

        if (parse.GetValue(o.Store) is { } store)
        {
            flags["Store"] = store;
        }

        return ServeCommand.ReadOptions(null, flags, parse.GetValue(o.Catalogs));
    }

    private static async Task<ICandorStore> OpenAsync(CandorServerOptions options, CancellationToken ct)
    {
        try
        {
            return await StoreFactory.OpenAsync(options, ct);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException($"{ex.Message} (is a collector running on this data folder? Use its operator endpoints instead.)");
        }
    }

    private static Command CreateCommand()
    {
        var name = new Argument<string>("NAME") { Description = "The organisation's name (unique)." };
        var family = CatalogCommands.FamilyOption();
        var json = new Option<bool>("--json") { Description = "Print {tenantId, ingestionKey, adminToken} as JSON." };
        var command = new Command("create", "Create a tenant; prints its id, ingestion key and admin token once.") { name, family, json };
        var store = AddStoreOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var options = ServerOptions(parse, store);
            TenantCredentials created;
            try
            {
                created = await CandorServer.CreateTenantAsync(options, parse.GetValue(name)!, parse.GetValue(family)!, ct);
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message, 2);
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ex.Message);
            }

            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    tenantId = created.TenantId,
                    ingestionKey = created.IngestionKey,
                    adminToken = created.AdminToken,
                }, Json));
            }
            else
            {
                Console.Out.WriteLine($"Created tenant '{parse.GetValue(name)}' of family {parse.GetValue(family)}.");
                Console.Out.WriteLine($"  tenant id:     {created.TenantId}");
                Console.Out.WriteLine($"  ingestion key: {created.IngestionKey}");
                Console.Out.WriteLine($"  admin token:   {created.AdminToken}");
                Console.Out.WriteLine("Keep the key and the token now: only their hashes are stored.");
            }

            return 0;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List the tenants of a data folder.");
        var store = AddStoreOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var db = await OpenAsync(ServerOptions(parse, store), ct);
            foreach (var t in await db.ListTenantsAsync(ct))
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Id}  {t.Family,-24}  {t.Name}"));
            }

            return 0;
        });
        return command;
    }

    private static Command CredentialsCommand()
    {
        var tenantId = new Argument<Guid>("TENANT_ID") { Description = "The tenant's id." };
        var command = new Command("credentials", "List a tenant's ingestion keys and admin tokens (ids, roles, revocation; never secrets).") { tenantId };
        var store = AddStoreOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var db = await OpenAsync(ServerOptions(parse, store), ct);
            var id = parse.GetValue(tenantId);
            _ = await db.GetTenantAsync(id, ct) ?? throw new CliException($"No tenant {id}.");
            foreach (var c in await db.ListCredentialsAsync(id, ct))
            {
                var revoked = c.RevokedAt is { } at ? "revoked " + at.ToString("u", CultureInfo.InvariantCulture) : "active";
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Id}  {TenantService.KindName(c.Kind),-9}  {c.Role,-15}  {c.CreatedAt:u}  {revoked}"));
            }

            return 0;
        });
        return command;
    }

    private static Command IssueCommand()
    {
        var tenantId = new Argument<Guid>("TENANT_ID") { Description = "The tenant's id." };
        var kind = new Option<string>("--kind") { Description = "ingestion or admin.", DefaultValueFactory = _ => "ingestion" };
        kind.AcceptOnlyFromAmong("ingestion", "admin");
        var role = new Option<string>("--role") { Description = "For admin tokens: owner, privacy_officer or analyst.", DefaultValueFactory = _ => "owner" };
        var rotate = new Option<bool>("--revoke-others") { Description = "Rotate: revoke the tenant's other credentials of this kind (and role)." };
        var json = new Option<bool>("--json") { Description = "Print {id, kind, role, secret} as JSON." };
        var command = new Command("issue", "Issue a new ingestion key or admin token; with --revoke-others, rotate.") { tenantId, kind, role, rotate, json };
        var store = AddStoreOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var options = ServerOptions(parse, store);
            await using var db = await OpenAsync(options, ct);
            var service = new TenantService(db, options.TimeProvider, _ => true);
            var credentialKind = parse.GetValue(kind) == "admin" ? CredentialKind.Admin : CredentialKind.Ingestion;
            IssuedCredential issued;
            try
            {
                issued = await service.IssueAsync(parse.GetValue(tenantId), credentialKind, parse.GetValue(role)!, "cli", ct, parse.GetValue(rotate));
            }
            catch (KeyNotFoundException ex)
            {
                throw new CliException(ex.Message);
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message, 2);
            }

            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { id = issued.Id, kind = TenantService.KindName(issued.Kind), role = issued.Role, secret = issued.Secret }, Json));
            }
            else
            {
                Console.Out.WriteLine($"Issued {TenantService.KindName(issued.Kind)} credential {issued.Id} ({issued.Role}):");
                Console.Out.WriteLine($"  {issued.Secret}");
                Console.Out.WriteLine("Keep it now: only its hash is stored.");
            }

            return 0;
        });
        return command;
    }

    private static Command RevokeCommand()
    {
        var tenantId = new Argument<Guid>("TENANT_ID") { Description = "The tenant's id." };
        var credentialId = new Argument<Guid>("CREDENTIAL_ID") { Description = "The credential's id (candor tenant credentials)." };
        var command = new Command("revoke", "Revoke an ingestion key or admin token from now on.") { tenantId, credentialId };
        var store = AddStoreOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var options = ServerOptions(parse, store);
            await using var db = await OpenAsync(options, ct);
            var service = new TenantService(db, options.TimeProvider, _ => true);
            if (!await service.RevokeAsync(parse.GetValue(tenantId), parse.GetValue(credentialId), "cli", ct))
            {
                throw new CliException($"Tenant {parse.GetValue(tenantId)} has no credential {parse.GetValue(credentialId)}.");
            }

            Console.Out.WriteLine($"Revoked {parse.GetValue(credentialId)}.");
            return 0;
        });
        return command;
    }
}
