using Microsoft.Extensions.Configuration.Json;

namespace TaskFlow.Host;

/// <summary>Files the host finds beside its executable rather than in the working directory (its content root).</summary>
static class HostFolder
{
    /// <summary>
    /// <c>wwwroot</c> beside the executable (a published host keeps the web app's files there), or null (the default:
    /// the content root's) when there is none, as in a build output whose assets the static web assets manifest lists.
    /// </summary>
    public static string? WebRoot()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(beside) ? beside : null;
    }

    /// <summary>
    /// Started from another folder, the content root (the working directory) has no appsettings.json: read the
    /// executable's, below every other source (environment, command line), as if it were in the content root.
    /// </summary>
    public static void AddSettingsOfTheExecutablesFolder(WebApplicationBuilder builder)
    {
        var contentRoot = Path.GetFullPath(builder.Environment.ContentRootPath);
        var baseDirectory = Path.GetFullPath(AppContext.BaseDirectory);
        if (string.Equals(contentRoot.TrimEnd(Path.DirectorySeparatorChar), baseDirectory.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal)
            || File.Exists(Path.Combine(contentRoot, "appsettings.json"))
            || !File.Exists(Path.Combine(baseDirectory, "appsettings.json")))
            return;
        var sources = (IList<IConfigurationSource>)((IConfigurationBuilder)builder.Configuration).Sources;
        var at = 0;
        while (at < sources.Count && sources[at] is not JsonConfigurationSource) at++;
        foreach (var name in new[] { "appsettings.json", $"appsettings.{builder.Environment.EnvironmentName}.json" })
        {
            var path = Path.Combine(baseDirectory, name);
            if (File.Exists(path)) sources.Insert(at++, new JsonConfigurationSource { Path = path, Optional = true, ReloadOnChange = false }.Resolved());
        }
    }

    static JsonConfigurationSource Resolved(this JsonConfigurationSource source)
    {
        source.ResolveFileProvider();
        return source;
    }
}
