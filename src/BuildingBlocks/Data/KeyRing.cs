using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.BuildingBlocks.Data;

/// <summary>
/// A Data Protection provider of one service alone, with its key ring in the service's own database
/// (<c>data_protection_keys</c>, through <c>PersistKeysToDbContext</c>) and a fixed application name, so every instance
/// of the service encrypts and decrypts with the same keys. It is not the host's <c>AddDataProtection()</c>: the
/// all-in-one host runs several services in one container, each with its own database and key ring.
/// </summary>
/// <remarks>
/// With <c>DataProtection:CertificatePath</c> (a PKCS#12 file; password in <c>DataProtection:CertificatePassword</c>)
/// the keys themselves are stored encrypted with that certificate, so a copy of the database alone decrypts nothing.
/// Without it (all-in-one default) the keys are stored as plain XML beside the data they protect.
/// </remarks>
public static class KeyRing
{
    public static IDataProtectionProvider Create<TDb>(IServiceProvider app, string applicationName)
        where TDb : DbContext, IDataProtectionKeyContext
    {
        var settings = app.GetRequiredService<IConfiguration>().GetSection("DataProtection");
        var certificate = settings["CertificatePath"] is { Length: > 0 } path
            ? X509CertificateLoader.LoadPkcs12FromFile(path, settings["CertificatePassword"], X509KeyStorageFlags.EphemeralKeySet)
            : null;
        return DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(Path.GetTempPath(), "taskflow-unused-keys")), dp =>
        {
            dp.SetApplicationName(applicationName);
            // PersistKeysToDbContext resolves TDb from Data Protection's own container (DataProtectionProvider.Create
            // builds one); a scope of the app's container, which registers the database, supplies it. No logger factory
            // is registered there on purpose: the package logs key XML at debug level.
            dp.Services.AddScoped(_ => new AppScope(app.CreateScope()));
            dp.Services.AddScoped(sp => sp.GetRequiredService<AppScope>().Scope.ServiceProvider.GetRequiredService<TDb>());
            dp.PersistKeysToDbContext<TDb>();
            if (certificate is not null)
            {
                // On Linux the decryptor finds no certificate store entry; it is handed the same certificate explicitly.
                dp.ProtectKeysWithCertificate(certificate);
                dp.UnprotectKeysWithAnyCertificate(certificate);
            }
        });
    }

    sealed class AppScope(IServiceScope scope) : IDisposable
    {
        public IServiceScope Scope { get; } = scope;

        public void Dispose() => Scope.Dispose();
    }
}
