using TaskFlow.BuildingBlocks.Email;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Gateway;
using TaskFlow.Host;
using TaskFlow.Web;

// The web root and, when the working directory has none, appsettings.json come from the executable's folder: a host
// started from anywhere (a published folder, `dotnet run` from the repository root) serves its CSS and JavaScript and
// reads its settings. Relative paths of the settings (DataDir) stay relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = HostFolder.WebRoot() });
HostFolder.AddSettingsOfTheExecutablesFolder(builder);

// --app shop runs the second product (catalog, inventory, ... beside identity and notifications) instead of TaskFlow.
var selection = ServiceSelection.Parse(builder.Configuration["app"], builder.Configuration["services"]);
if (selection.IsShop) ServiceSelection.AddShopDefaults(builder.Configuration);
var modules = selection.Modules;

builder.AddWebDefaults(string.Join('+', selection.Names));
builder.Services.AddOpenApi("v1", OpenApiSetup.Configure);
builder.AddEmail();
foreach (var module in modules) module.AddServices(builder);
// Every service hears of signed-out sessions, so their access tokens stop at once everywhere (docs/adr/0003).
foreach (var module in modules) builder.Services.AddRevokedSessionsConsumer(module.Name);
builder.AddMessaging();
if (selection.IsGateway || selection.IsAll) builder.AddGatewayRateLimits();
// A process that runs services bounds its API requests in flight, rate limits or not (docs/adr/0044); a gateway alone
// only forwards, and each service behind it sheds for itself.
if (modules.Count > 0) builder.AddLoadShedding();
if (selection.IsGateway) builder.AddGateway(selection.AppModules);
builder.AddForwardedHeaderTrust(isEdge: selection.IsGateway || selection.IsAll);
// The browser app lives at the edge: in the all-in-one process, or in the gateway when scaled out. It is TaskFlow's;
// the shop's storefront is not built yet.
var servesWebApp = !selection.IsShop && (selection.IsAll || selection.IsGateway);
if (servesWebApp) builder.AddWebApp();

// /metrics, /openapi and /docs on their own listener when Platform:Diagnostics:Port is set (docs/adr/0029).
builder.AddDiagnosticsListener();

var app = builder.Build();
app.UseForwardedHeaders();
app.UseWebDefaults();
app.MapPlatformEndpoints(isGateway: selection.IsGateway);
foreach (var module in modules) module.MapEndpoints(app);
if (selection.IsGateway) app.MapGateway();
if (servesWebApp) app.MapWebApp();
app.Logger.LogInformation("{App} started with services: {Services}", selection.App, string.Join(", ", selection.Names));
app.Run();

/// <summary>The test host needs a public entry type.</summary>
public partial class Program;
