namespace PopupStore.Silo.Health;

public sealed record HealthReport(bool Healthy, string Silo, string Status, bool Redis, int ActiveSilos, string? Problem);
