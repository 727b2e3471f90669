using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using TaskFlow.Web.Client;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Diagnostics;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.Services.AddTaskFlowClient();
// Always true here (this program only runs in the browser); the check tells the platform analyzer so.
if (OperatingSystem.IsBrowser()) builder.Services.AddScoped<IApiTransport, FetchTransport>();
var host = builder.Build();
Perf.Start(host.Services.GetRequiredService<IJSRuntime>());
Perf.Mark("host-built");
await host.RunAsync();
