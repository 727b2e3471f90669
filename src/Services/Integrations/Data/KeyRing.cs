using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.Integrations.Data;

/// <summary>
/// A Data Protection provider of this service alone, with its key ring in the service's own database
/// (<c>data_protection_keys</c>, through <c>PersistKeysToDbContext</c>) and a fixed application name, so every instance
/// of the service encrypts and decrypts with the same keys. It is not the host's <c>AddDataProtection()</c>: the
/// all-in-one host runs several services in one container, each with its own database and key ring.
/// </summary>
internal static class KeyRing
{
    public const string ApplicationName = "TaskFlow.Integrations";

    public static IDataProtectionProvider Create<TDb>(IServiceProvider app, string applicationName)
        where TDb : DbContext, IDataProtectionKeyContext =>
        DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(Path.GetTempPath(), "taskflow-unused-keys")), dp =>
        {
            dp.SetApplicationName(applicationName);
            // PersistKeysToDbContext resolves TDb from Data Protection's own container (DataProtectionProvider.Create
            // builds one); a scope of the app's container, which registers the database, supplies it. No logger factory
            // is registered there on purpose: the package logs key XML at debug level.
            dp.Services.AddScoped(_ => new AppScope(app.CreateScope()));
            dp.Services.AddScoped(sp => sp.GetRequiredService<AppScope>().Scope.ServiceProvider.GetRequiredService<TDb>());
            dp.PersistKeysToDbContext<TDb>();
        });

    sealed class AppScope(IServiceScope scope) : IDisposable
    {
        public IServiceScope Scope { get; } = scope;

        public void Dispose() => Scope.Dispose();
    }
}
