using System.Text.RegularExpressions;

namespace ElevenLabs.Functions.Hosting;

/// <summary>Start-up configuration errors, told plainly.</summary>
public static partial class ConfigurationErrors
{
    /// <summary>"DataAnnotation validation failed for 'X' members: 'Y' with the error: 'msg'." becomes "msg".</summary>
    public static string Plain(string failure)
    {
        var match = DataAnnotation().Match(failure);
        return match.Success ? match.Groups[1].Value : failure;
    }

    [GeneratedRegex("with the error: '(.*)'\\.$", RegexOptions.CultureInvariant)]
    private static partial Regex DataAnnotation();
}
