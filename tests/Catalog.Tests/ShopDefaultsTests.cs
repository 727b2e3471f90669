using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace TaskFlow.Catalog.Tests;

/// <summary>The shop's defaults (ADR 0031) replace TaskFlow's settings-file values; the command line still wins.</summary>
public sealed class ShopDefaultsTests
{
    static void AddShopDefaults(IConfigurationBuilder configuration) =>
        Assembly.Load("TaskFlow.Host").GetType("TaskFlow.Host.ServiceSelection", throwOnError: true)!
            .GetMethod("AddShopDefaults", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [configuration]);

    [Fact]
    public void The_shop_keeps_its_data_databases_and_queues_apart_from_TaskFlows()
    {
        var settings = Path.Combine(Path.GetTempPath(), $"appsettings-{Guid.NewGuid():N}.json");
        File.WriteAllText(settings, """{ "DataDir": "data", "Data": { "Provider": "Sqlite", "DatabasePrefix": "taskflow" } }""");
        try
        {
            var configuration = new ConfigurationManager();
            configuration.AddJsonFile(settings);
            configuration.AddCommandLine(["--Messaging:Exchange", "chosen.events"]);
            AddShopDefaults(configuration);

            Assert.Equal(Path.Combine("data", "shop"), configuration["DataDir"]);
            Assert.Equal("shop", configuration["Data:DatabasePrefix"]);
            Assert.Equal("shop", configuration["Messaging:QueuePrefix"]);
            Assert.Equal("chosen.events", configuration["Messaging:Exchange"]);
            Assert.Equal("Sqlite", configuration["Data:Provider"]);
        }
        finally
        {
            File.Delete(settings);
        }
    }
}
