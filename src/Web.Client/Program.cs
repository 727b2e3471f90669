using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using TaskFlow.Web.Client;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Auth;
using TaskFlow.Web.Client.Diagnostics;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.Services.AddTaskFlowClient();
// Always true here (this program only runs in the browser); the check tells the platform analyzer so.
if (OperatingSystem.IsBrowser()) builder.Services.AddScoped<IApiTransport, FetchTransport>();
var host = builder.Build();
Perf.Start(host.Services.GetRequiredService<IJSRuntime>());
Perf.Mark("host-built");
// The load-time session renewal started by js/session.js when the page was parsed has normally answered while WebAssembly
// downloaded and started. Taking it before the first render means the layout and the page render once, already signed in,
// instead of signed out first and again when the answer is read (docs/adr/0020-web-fifth-pass.md).
await host.Services.GetRequiredService<SessionService>().Initialize();
await host.RunAsync();
