using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Email;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Notifications.Consumed;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Email;
using TaskFlow.Notifications.Features;

namespace TaskFlow.Notifications;

/// <summary>Sends the platform's emails and in-app notifications in reaction to other services' events.</summary>
public sealed class NotificationsModule : IServiceModule
{
    public string Name => "notifications";

    public IReadOnlyList<string> RoutePrefixes => ["/v1/notifications"];

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddServiceDb<NotificationsDb, SqliteNotificationsDb, PostgresNotificationsDb>(Name);
        builder.Services.AddOptions<EmailDeliveryOptions>()
            .BindConfiguration(EmailDeliveryOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay, "RetryBaseDelay must be positive and at most RetryMaxDelay.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.Lease > TimeSpan.Zero, "PollInterval and Lease must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<EmailSignal>();
        builder.Services.AddSingleton<EmailTemplates>();
        builder.Services.AddScoped<EmailQueue>();
        builder.Services.AddHostedService<EmailDispatcher>();
        builder.Services.AddScoped<Notifier>();
        // A key ring of its own, stored in the notifications database, so every instance reads every other's links.
        builder.Services.AddSingleton(sp => new UnsubscribeTokens(DataProtectionProvider.Create(
            new DirectoryInfo(Path.Combine(Path.GetTempPath(), "taskflow-unused-keys")),
            dp => dp.SetApplicationName("TaskFlow.Notifications")
                .AddKeyManagementOptions(o => o.XmlRepository = new DbXmlRepository(sp)))));

        builder.Services.AddEventHandler<NotificationsDb, UserRegistered, WelcomeEmailHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, EmailVerificationRequested, VerificationEmailHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, PasswordResetRequested, PasswordResetEmailHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, InvitationCreated, InvitationEmailHandler>(Name);

        builder.Services.AddEventHandler<NotificationsDb, UserRegistered, UserCopyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, UserProfileUpdated, UserCopyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, WorkspaceCreated, WorkspaceCopyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskCreated, TaskCopyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskAssigned, TaskAssignedHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, MemberMentioned, MentionHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, MemberAdded, MemberAddedHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, InvitationCreated, InvitationNoticeHandler>(Name);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/notifications").WithTags("Notifications");
        InAppNotifications.Map(group);
        Preferences.Map(group);
        Unsubscribe.Map(group);

        var environment = app.ServiceProvider.GetRequiredService<IHostEnvironment>();
        var fileSink = app.ServiceProvider.GetService<FileEmailSink>() is not null;
        if (fileSink && (environment.IsDevelopment() || environment.IsEnvironment("Testing")))
            DevMail.Map(group);
    }
}
