using System.Text;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>Text written into a file people open in a spreadsheet (CSV exports).</summary>
public static class SpreadsheetText
{
    /// <summary>
    /// A spreadsheet runs a cell (or, in some importers, a line of a multi-line cell) that starts with = + - @ tab or CR as
    /// a formula: prefix a quote at the start of the text and after every line break.
    /// </summary>
    public static string Defuse(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        var lineStart = true;
        foreach (var c in value)
        {
            if (lineStart && c is '=' or '+' or '-' or '@' or '\t' or '\r') builder.Append('\'');
            builder.Append(c);
            lineStart = c is '\n' or '\r';
        }
        return builder.ToString();
    }
}
