using Microsoft.AspNetCore.Components;
using TaskFlow.Web.Client.Api;

namespace TaskFlow.Web.Client.Pages;

/// <summary>Pages opened from an emailed link with <c>?token=</c>: the token is sent once, when the page is interactive.</summary>
public abstract class TokenPage : ComponentBase
{
    [SupplyParameterFromQuery] public string? Token { get; set; }

    protected bool Done { get; set; }
    protected ApiProblem? Problem { get; set; }
    protected bool Busy { get; set; }
}
