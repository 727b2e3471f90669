using MudBlazor;
using MudBlazor.Utilities;
using TaskFlow.Web.Client.Layout;

namespace TaskFlow.Web.Tests;

/// <summary>WCAG 2.1 AA: normal text needs a contrast ratio of at least 4.5:1 against what it is drawn on.</summary>
[Trait("Category", "Components")]
public sealed class ThemeContrastTests
{
    static readonly PaletteDark Dark = (PaletteDark)AppTheme.Theme.PaletteDark;
    static readonly PaletteLight Light = (PaletteLight)AppTheme.Theme.PaletteLight;

    public static TheoryData<string, string, string> Pairs() => new()
    {
        { "text on background", Dark.TextPrimary.ToString(), Dark.Background.ToString() },
        { "text on surface", Dark.TextPrimary.ToString(), Dark.Surface.ToString() },
        { "secondary text on background", Dark.TextSecondary.ToString(), Dark.Background.ToString() },
        { "secondary text on surface", Dark.TextSecondary.ToString(), Dark.Surface.ToString() },
        { "primary on background", Dark.Primary.ToString(), Dark.Background.ToString() },
        { "primary on surface", Dark.Primary.ToString(), Dark.Surface.ToString() },
        { "secondary on surface", Dark.Secondary.ToString(), Dark.Surface.ToString() },
        { "error on surface", Dark.Error.ToString(), Dark.Surface.ToString() },
        { "filled primary button", Dark.PrimaryContrastText.ToString(), Dark.Primary.ToString() },
        { "filled secondary button", Dark.SecondaryContrastText.ToString(), Dark.Secondary.ToString() },
        { "app bar", Dark.AppbarText.ToString(), Dark.AppbarBackground.ToString() },
        { "drawer", Dark.DrawerText.ToString(), Dark.DrawerBackground.ToString() },
        // Filled chips and snackbars: priority chips (urgent error, high warning, medium info) and success/info toasts.
        { "filled error chip", Dark.ErrorContrastText.ToString(), Dark.Error.ToString() },
        { "filled warning chip", Dark.WarningContrastText.ToString(), Dark.Warning.ToString() },
        { "filled info chip", Dark.InfoContrastText.ToString(), Dark.Info.ToString() },
        { "filled success snackbar", Dark.SuccessContrastText.ToString(), Dark.Success.ToString() },
        { "light: filled error chip", Light.ErrorContrastText.ToString(), Light.Error.ToString() },
        { "light: filled warning chip", Light.WarningContrastText.ToString(), Light.Warning.ToString() },
        { "light: filled info chip", Light.InfoContrastText.ToString(), Light.Info.ToString() },
        { "light: filled success snackbar", Light.SuccessContrastText.ToString(), Light.Success.ToString() },
        { "light: success text on white", Light.Success.ToString(), Light.Surface.ToString() },
        { "light: info text on white", Light.Info.ToString(), Light.Surface.ToString() },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Theme_colours_keep_AA_contrast(string what, string foreground, string background)
    {
        var ratio = Contrast(new MudColor(foreground), new MudColor(background));
        Assert.True(ratio >= 4.5, $"{what}: {foreground} on {background} is {ratio:0.00}:1");
    }

    static double Contrast(MudColor fg, MudColor bg)
    {
        // Blend a translucent foreground over its background first.
        var a = fg.APercentage;
        double Blend(byte f, byte b) => f * a + b * (1 - a);
        var lf = Luminance(Blend(fg.R, bg.R), Blend(fg.G, bg.G), Blend(fg.B, bg.B));
        var lb = Luminance(bg.R, bg.G, bg.B);
        return (Math.Max(lf, lb) + 0.05) / (Math.Min(lf, lb) + 0.05);
    }

    static double Luminance(double r, double g, double b)
    {
        static double Channel(double c)
        {
            c /= 255;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(r) + 0.7152 * Channel(g) + 0.0722 * Channel(b);
    }
}
