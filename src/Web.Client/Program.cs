using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using TaskFlow.Web.Client;
using TaskFlow.Web.Client.Diagnostics;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.Services.AddTaskFlowClient(new Uri(builder.HostEnvironment.BaseAddress));
var host = builder.Build();
Perf.Start(host.Services.GetRequiredService<IJSRuntime>());
Perf.Mark("host-built");
await host.RunAsync();
