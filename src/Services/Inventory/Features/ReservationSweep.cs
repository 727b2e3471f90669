using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

/// <summary>
/// Every <c>Inventory:Reservations:SweepInterval</c> (default 15 s) gives back the units of held reservations past their
/// expiry (status expired, <c>StockChanged</c> and <c>StockReservationExpired</c> published). Every instance may sweep:
/// each reservation moves with a conditional UPDATE, so exactly one instance expires it.
/// </summary>
internal sealed class ReservationSweep(IServiceProvider services, IOptions<InventoryOptions> options, TimeProvider time, ILogger<ReservationSweep> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int expired;
                do
                {
                    await using var scope = services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<InventoryDb>();
                    expired = await ReservationSteps.ExpireDue(db, productId: null, time.GetUtcNow().UtcDateTime, stoppingToken);
                    if (expired > 0) logger.LogInformation("Expired {Count} stock reservations", expired);
                }
                while (expired >= 100 && !stoppingToken.IsCancellationRequested);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "The reservation expiry sweep failed; retrying after the interval");
            }
            try
            {
                await Task.Delay(options.Value.Reservations.SweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
