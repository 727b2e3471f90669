using MudBlazor;

namespace TaskFlow.Web.Client.Layout;

/// <summary>
/// The app's colours. The dark palette is chosen for WCAG 2.1 AA: primary, secondary and error colours are light tints
/// (at least 4.5:1 against the dark background and surface) with dark text on filled buttons and chips, and secondary text is
/// brighter than MudBlazor's default (whose 50 % white falls just under 4.5:1). ThemeContrastTests checks the ratios.
/// </summary>
public static class AppTheme
{
    public static readonly MudTheme Theme = new()
    {
        // Secondary, error, info, success and secondary text dark enough for 4.5:1 on white and on the board's grey, and under
        // white text when filled (axe color-contrast); the orange warning keeps dark text on filled chips ("high" priority).
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            Secondary = "#00796b",
            Error = "#d32f2f",
            Info = "#1976d2",
            Success = "#2e7d32",
            WarningContrastText = "rgba(0,0,0,0.87)",
            TextSecondary = "rgba(0,0,0,0.62)",
            AppbarBackground = "#3f51b5",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9fa8da",
            PrimaryContrastText = "rgba(0,0,0,0.87)",
            Secondary = "#80cbc4",
            SecondaryContrastText = "rgba(0,0,0,0.87)",
            Error = "#ff8a80",
            ErrorContrastText = "rgba(0,0,0,0.87)",
            InfoContrastText = "rgba(0,0,0,0.87)",
            SuccessContrastText = "rgba(0,0,0,0.87)",
            WarningContrastText = "rgba(0,0,0,0.87)",
            Background = "#1e1f26",
            Surface = "#2a2b33",
            AppbarBackground = "#2a2b33",
            DrawerBackground = "#24252c",
            TextPrimary = "rgba(255,255,255,0.92)",
            TextSecondary = "rgba(255,255,255,0.72)",
            DrawerText = "rgba(255,255,255,0.92)",
            AppbarText = "rgba(255,255,255,0.92)",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "240px" },
    };
}
