namespace PopupStore.Silo.Hosting;

/// <summary>
/// Section <c>Dashboard</c>: whether this silo serves the Orleans dashboard. The rest of the section binds to the
/// dashboard's own options. Read while the host is built, before options can be resolved, because it decides what
/// is registered.
/// </summary>
public sealed class DashboardSwitch
{
    public const string SectionName = "Dashboard";

    /// <summary>Off unless asked for: operators watch Grafana, and the dashboard costs a silo CPU even unwatched.</summary>
    public bool Enabled { get; set; }

    public static DashboardSwitch From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<DashboardSwitch>() ?? new DashboardSwitch();
}
