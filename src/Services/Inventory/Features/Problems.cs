using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskFlow.Inventory.Features;

/// <summary>The domain errors of this service, each with a stable <c>type</c> clients can switch on.</summary>
internal static class Problems
{
    const string Base = "https://taskflow.dev/problems/";

    public static ProblemHttpResult StockNotFound() => Make(StatusCodes.Status404NotFound, "stock-not-found",
        "No stock is recorded for this product.", "Inventory has no stock record for this product id. An admin creates one with PUT /v1/inventory/{productId}.");

    public static ProblemHttpResult LedgerEntryNotFound() => Make(StatusCodes.Status404NotFound, "ledger-entry-not-found",
        "Ledger entry not found.", "This product's ledger has no entry with this id.");

    public static ProblemHttpResult InsufficientStock(int requested, int available) => Make(StatusCodes.Status409Conflict, "insufficient-stock",
        "Not enough stock.", $"{requested} requested, {available} available. Nothing was reserved.",
        new Dictionary<string, object?> { ["requested"] = requested, ["available"] = available });

    public static ProblemHttpResult BelowReserved(int onHandAfter, int reserved) => Make(StatusCodes.Status409Conflict, "below-reserved",
        "On hand would fall below what is reserved.",
        $"The change would leave {onHandAfter} on hand while {reserved} are reserved for orders (on hand can never be negative). Nothing was changed; release reservations first or adjust by less.",
        new Dictionary<string, object?> { ["on_hand_after"] = onHandAfter, ["reserved"] = reserved });

    public static ProblemHttpResult ProductWithdrawn() => Make(StatusCodes.Status409Conflict, "product-withdrawn",
        "The product was withdrawn from the catalog.", "A withdrawn product takes no new reservations. Nothing was reserved.");

    public static ProblemHttpResult ReservationNotFound() => Make(StatusCodes.Status404NotFound, "reservation-not-found",
        "Reservation not found.", "No reservation exists with this id.");

    public static ProblemHttpResult ReservationMismatch() => Make(StatusCodes.Status409Conflict, "reservation-mismatch",
        "This order line already has a different reservation.",
        "A reservation for this order_line_id exists with another order, product or quantity. An order line is reserved once; use a new order line id for a different reservation.");

    public static ProblemHttpResult ReservationNotHeld(string status) => Make(StatusCodes.Status409Conflict, "reservation-not-held",
        $"The reservation is {status}.",
        $"A {status} reservation cannot be committed or released any more; its units are no longer held for the order line.",
        new Dictionary<string, object?> { ["reservation_status"] = status });

    public static ProblemHttpResult RoleRequired(IReadOnlyList<string> roles) => Make(StatusCodes.Status403Forbidden, "role-required",
        "Your role does not allow this.",
        $"This needs the {string.Join(" or ", roles)} role (the access token's role claim).");

    static ProblemHttpResult Make(int status, string slug, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: status, type: Base + slug, title: title, detail: detail, extensions: extensions);
}
