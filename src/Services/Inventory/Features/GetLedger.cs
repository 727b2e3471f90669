using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

internal static class GetLedger
{
    public static void Map(RouteGroupBuilder product)
    {
        product.MapGet("/ledger", List)
            .RequireRole(InventoryAccess.Admin)
            .WithName("GetStockLedger")
            .WithSummary("A product's stock ledger")
            .WithDescription("Admins. Every change of on hand, newest first: adjustments (receiving, correction, damage), the first PUT (initial) and committed reservations (sale). The quantities add up to on hand. limit 1–100 (default 20), offset ≥ 0 (default 0); anything else is 400 naming the parameter.");
        product.MapGet("/ledger/{entryId:guid}", One)
            .RequireRole(InventoryAccess.Admin)
            .WithName("GetStockLedgerEntry")
            .WithSummary("One ledger entry")
            .WithDescription("Admins.");
    }

    // Query values arrive as text so that a wrong one is a 400 naming the parameter, not a generic binding failure.
    static async Task<Results<Ok<LedgerPage>, ValidationProblem, ProblemHttpResult>> List(
        Guid productId, string? limit, string? offset, InventoryDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = Parse(limit, "limit", 20, 1, 100, errors);
        var skip = Parse(offset, "offset", 0, 0, int.MaxValue, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (!await db.Stock.AnyAsync(s => s.ProductId == productId, ct)) return Problems.StockNotFound();
        var entries = db.Ledger.AsNoTracking().Where(e => e.ProductId == productId);
        var total = await entries.CountAsync(ct);
        var page = await entries.OrderByDescending(e => e.Version).Skip(skip).Take(take).ToListAsync(ct);
        return TypedResults.Ok(new LedgerPage([.. page.Select(LedgerEntryResponse.From)], new PageMetadata(total, take, skip)));
    }

    static async Task<Results<Ok<LedgerEntryResponse>, ProblemHttpResult>> One(Guid productId, Guid entryId, InventoryDb db, CancellationToken ct)
    {
        var entry = await db.Ledger.AsNoTracking().SingleOrDefaultAsync(e => e.ProductId == productId && e.Id == entryId, ct);
        return entry is null ? Problems.LedgerEntryNotFound() : TypedResults.Ok(LedgerEntryResponse.From(entry));
    }

    static int Parse(string? text, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors[name] = [max == int.MaxValue ? $"{name} must be a whole number of at least {min}." : $"{name} must be a whole number from {min} to {max}."];
        return fallback;
    }
}
