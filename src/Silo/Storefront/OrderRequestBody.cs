namespace PopupStore.Silo.Storefront;

/// <summary>
/// The body of <c>POST /api/orders</c> as the OpenAPI document shows it. The endpoint reads the bytes itself
/// (<see cref="OrderBody"/>) so that every malformed body gets a precise 400 instead of a binder's guess.
/// </summary>
/// <param name="Customer">The buyer's customer id: 1 to 256 bytes of UTF-8, no control characters.</param>
/// <param name="Order">The order id, same rules; the silo makes one (<c>web-</c> and 32 hex digits) when it is left out.
/// Sending the same id again gets the same answer and writes nothing twice.</param>
public sealed record OrderRequestBody(string Customer, string? Order);
