using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Email;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Identity.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Workspaces.Contracts;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Delivery;
using TaskFlow.Notifications.Email;
using TaskFlow.Notifications.Features;
using TaskFlow.Notifications.Sms;

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
            .Validate(o => o.IsValid, "RetryBaseDelay must be positive and at most RetryMaxDelay; PollInterval and Lease must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<SmsOptions>()
            .BindConfiguration(SmsOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.IsValid, "RetryBaseDelay must be positive and at most RetryMaxDelay; PollInterval and Lease must be positive.")
            .Validate(o => o.Provider is "local" or "twilio", "Notifications:Sms:Provider must be local or twilio.")
            .Validate(o => o.Provider != "twilio" || (o.Twilio.AccountSid is { Length: > 0 } && o.Twilio.AuthToken is { Length: > 0 } && o.From.Length > 0),
                "The twilio provider needs Notifications:Sms:Twilio:AccountSid, AuthToken and Notifications:Sms:From.")
            .ValidateOnStart();
        builder.Services.AddOptions<DigestOptions>()
            .BindConfiguration(DigestOptions.Section)
            .Validate(o => o.CheckInterval > TimeSpan.Zero && o.HourlyPeriod > TimeSpan.Zero && o.DailyPeriod > TimeSpan.Zero, "Digest intervals must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(new NotificationClock(TimeProvider.System));
        builder.Services.AddSingleton<DispatchSignals>();
        builder.Services.AddSingleton<EmailTemplates>();
        builder.Services.AddScoped<EmailQueue>();
        builder.Services.AddScoped<SmsQueue>();
        builder.Services.AddHostedService<EmailDispatcher>();
        if (string.Equals(builder.Configuration[$"{SmsOptions.Section}:Provider"], "twilio", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddHttpClient(TwilioSmsSender.ClientName, (sp, http) => http.Timeout = sp.GetRequiredService<IOptions<SmsOptions>>().Value.Twilio.Timeout);
            builder.Services.AddSingleton<ISmsSender, TwilioSmsSender>();
        }
        else
        {
            builder.Services.AddSingleton<LocalSmsSender>();
            builder.Services.AddSingleton<ISmsSender>(sp => sp.GetRequiredService<LocalSmsSender>());
        }
        builder.Services.AddHostedService<SmsDispatcher>();
        builder.Services.AddHostedService<DigestService>();
        builder.Services.AddSingleton<PlatformAdmins>();
        builder.Services.AddScoped<Notifier>();
        // A key ring of its own, stored in the notifications database, so every instance reads every other's links.
        builder.Services.AddSingleton(sp => new UnsubscribeTokens(KeyRing.Create<NotificationsDb>(sp, "TaskFlow.Notifications")));
        builder.Services.AddHostedService<LoadKeyRingOnStart>();

        builder.Services.AddEventHandler<NotificationsDb, UserRegistered, WelcomeEmailHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, EmailVerificationRequested, VerificationEmailHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, PasswordResetRequested, PasswordResetEmailHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, InvitationCreated, InvitationEmailHandler>(Name);

        builder.Services.AddEventHandler<NotificationsDb, UserRegistered, UserCopyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, UserProfileUpdated, UserCopyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskFlow.Identity.Contracts.UserDeleted, Features.UserDeletedHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, WorkspaceCreated, WorkspaceCopyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskCreated, TaskCopyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskUpdated, TaskCopyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskAssigned, TaskAssignedHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, MemberMentioned, MentionHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, CommentAdded, CommentAddedHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskMoved, StatusChangedHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskUpdated, StatusChangedHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskDueReminder, DueReminderHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, MemberAdded, MemberAddedHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, InvitationCreated, InvitationNoticeHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskFlow.Reporting.Contracts.ReportReady, ReportReadyHandler>(Name);
        builder.Services.AddEventHandler<NotificationsDb, TaskFlow.Reporting.Contracts.WeeklyStatusReportDue, WeeklyStatusEmailHandler>(Name);
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/notifications").WithTags("Notifications");
        InAppNotifications.Map(group);
        Preferences.Map(group);
        Unsubscribe.Map(group);
        AdminDeadLetters.Map(group);

        var environment = app.ServiceProvider.GetRequiredService<IHostEnvironment>();
        var fileSink = app.ServiceProvider.GetService<FileEmailSink>() is not null;
        if (fileSink && (environment.IsDevelopment() || environment.IsEnvironment("Testing")))
            DevMail.Map(group);
    }
}
