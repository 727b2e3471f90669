using TaskFlow.Notifications.Delivery;

namespace TaskFlow.Notifications.Email;

/// <summary>Configuration section <c>Notifications:Email</c>: how queued emails are sent and retried.</summary>
internal sealed class EmailDeliveryOptions : DeliveryOptions
{
    public const string Section = "Notifications:Email";
}
