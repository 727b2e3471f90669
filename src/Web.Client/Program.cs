using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using TaskFlow.Web.Client;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.Services.AddTaskFlowClient(new Uri(builder.HostEnvironment.BaseAddress));
await builder.Build().RunAsync();
