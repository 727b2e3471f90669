using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TaskFlow.Notifications.Features;
using TaskFlow.TestKit;

namespace TaskFlow.Notifications.Tests;

/// <summary>
/// With <c>DataProtection:CertificatePath</c> the key ring is stored encrypted with the certificate: the database alone
/// holds no usable key, and a restarted instance with the same certificate still reads the tokens it made.
/// </summary>
public abstract class KeyRingCertificateTests(Provider provider)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed class CertificateApp(Provider provider, string dir, string prefix, string? certificatePath) : TaskFlowApp(provider, dir, prefix)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => certificatePath is null ? [] :
        [
            new("DataProtection:CertificatePath", certificatePath),
            new("DataProtection:CertificatePassword", "key ring test"),
        ];
    }

    [Fact]
    public async Task With_a_certificate_the_key_ring_is_stored_encrypted_and_still_read_after_a_restart()
    {
        var dir = TaskFlowApp.NewDataDir();
        var prefix = TaskFlowApp.NewDatabasePrefix();
        Directory.CreateDirectory(dir);
        var certificatePath = Path.Combine(dir, "key-ring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=TaskFlow key ring test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pfx, "key ring test"), Ct);
        }
        var userId = Guid.NewGuid();
        try
        {
            string token;
            await using (var app = new CertificateApp(provider, dir, prefix, certificatePath))
            {
                token = app.Services.GetRequiredService<UnsubscribeTokens>().Create(userId, NotificationKinds.TaskAssigned);
                var xml = Assert.Single(await app.Query(db => db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(Ct)))!;
                Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            }

            await using (var restarted = new CertificateApp(provider, dir, prefix, certificatePath))
            {
                Assert.True(restarted.Services.GetRequiredService<UnsubscribeTokens>().TryRead(token, out var read, out var kind));
                Assert.Equal((userId, NotificationKinds.TaskAssigned), (read, kind));
            }

            // Without the certificate the stored key cannot be used: the token no longer verifies.
            await using (var withoutCertificate = new CertificateApp(provider, dir, prefix, null))
                Assert.False(withoutCertificate.Services.GetRequiredService<UnsubscribeTokens>().TryRead(token, out _, out _));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            if (provider == Provider.Postgres) await TaskFlowApp.DropDatabases(prefix);
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

public sealed class SqliteKeyRingCertificateTests() : KeyRingCertificateTests(Provider.Sqlite);

public sealed class PostgresKeyRingCertificateTests() : KeyRingCertificateTests(Provider.Postgres);
