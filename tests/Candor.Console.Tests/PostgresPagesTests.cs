using Xunit;

namespace Candor.Console.Tests;

/// <summary>The console on PostgreSQL: the same page-equals-API checks as on DuckDB (the same test bodies, run against
/// <see cref="PostgresConsoleFixture"/>), sign-in and sign-out, a triage and a mark written from the pages, the privacy
/// dashboard's inventory, and saved views with their tenant isolation; so every figure of these pages is proven on both
/// stores.</summary>
[Collection(PostgresConsoleCollection.Name)]
public sealed class PostgresPagesTests(PostgresConsoleFixture fixture)
{
    [Fact]
    public Task Signing_in_and_out_works_on_postgres() =>
        new SignInTests(fixture).Signing_in_with_an_admin_token_opens_the_overview_and_signing_out_ends_the_session();

    [Fact]
    public Task The_overview_equals_the_api_on_postgres() => new PagesTests(fixture).The_overview_shows_the_api_series_for_the_same_window();

    [Fact]
    public Task The_failures_pages_equal_the_api_on_postgres() =>
        new PagesTests(fixture).The_failures_page_shows_the_api_figures_for_the_same_window_and_pages_through_them();

    [Fact]
    public Task The_releases_page_equals_the_api_on_postgres() =>
        new HealthPagesTests(fixture).The_releases_page_shows_the_api_release_health_adoption_and_new_failure_groups();

    [Fact]
    public Task A_release_page_equals_the_api_on_postgres() =>
        new HealthPagesTests(fixture).A_release_page_shows_the_api_days_against_its_predecessor_and_the_findings_in_words();

    [Fact]
    public Task The_performance_page_equals_the_api_on_postgres() =>
        new HealthPagesTests(fixture).The_performance_page_shows_the_api_percentiles_per_operation_and_version();

    [Fact]
    public Task The_usage_page_equals_the_api_on_postgres() => new HealthPagesTests(fixture).The_usage_page_shows_the_api_active_devices_commands_and_volume();

    [Fact]
    public Task The_versions_page_equals_the_api_on_postgres() => new HealthPagesTests(fixture).The_versions_page_shows_the_api_inventory();

    [Fact]
    public Task What_is_collected_equals_the_inventory_on_postgres() => new PrivacyDashboardTests(fixture).What_is_collected_shows_the_inventorys_figures();

    [Fact]
    public Task Triage_in_the_console_reaches_the_api_on_postgres() => new AccessTests(fixture).Triage_in_the_console_reaches_the_api_and_the_audit_log();

    [Fact]
    public Task A_saved_view_opens_again_on_postgres() =>
        new SavedViewsTests(fixture).A_filtered_failures_view_saved_in_the_console_opens_again_with_the_same_filters();

    [Fact]
    public Task A_saved_view_stays_in_its_tenant_on_postgres() =>
        new SavedViewsTests(fixture).Another_tenant_never_sees_a_saved_view_and_cannot_delete_it();
}
