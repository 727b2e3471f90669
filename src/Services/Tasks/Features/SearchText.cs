using System.Text;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// A user's search text, parsed once into what each database understands. The syntax is PostgreSQL's
/// <c>websearch_to_tsquery</c> (words are ANDed, <c>"a phrase"</c>, <c>-excluded</c>, <c>or</c>); the last word also
/// matches as a prefix (search as you type). Only letters and digits reach the databases, so no input is a syntax error.
/// </summary>
/// <param name="Fts5">An FTS5 MATCH expression.</param>
/// <param name="WebSearch">For <c>websearch_to_tsquery</c>: every item but the prefix word.</param>
/// <param name="Prefix">The last word, to be matched as a prefix (<c>to_tsquery('word:*')</c>); null when the query does not end with a plain word.</param>
internal sealed record SearchText(string Fts5, string WebSearch, string? Prefix)
{
    public const int MaxLength = 200;

    sealed record Item(string[] Words, bool Negated, bool Phrase, bool Or);

    /// <summary>Null when the text has no word to look for (empty, only punctuation, or only excluded words).</summary>
    public static SearchText? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var items = Tokenize(text.Length > MaxLength ? text[..MaxLength] : text);
        var negatives = items.Where(i => i.Negated).ToList();
        // "or" joins the two positive items around it; leading, trailing and doubled ones mean nothing.
        var sequence = new List<Item>();
        foreach (var item in items.Where(i => !i.Negated))
        {
            if (item.Or && (sequence.Count == 0 || sequence[^1].Or)) continue;
            sequence.Add(item);
        }
        while (sequence.Count > 0 && sequence[^1].Or) sequence.RemoveAt(sequence.Count - 1);
        if (sequence.Count == 0) return null;

        var last = sequence[^1];
        var prefix = !last.Phrase && last.Words.Length == 1 && (sequence.Count == 1 || !sequence[^2].Or) ? last : null;

        var fts = new StringBuilder("(");
        foreach (var item in sequence)
        {
            if (fts.Length > 1) fts.Append(' ');
            if (item.Or) fts.Append("OR");
            else fts.Append(Quote(item.Words)).Append(ReferenceEquals(item, prefix) ? "*" : "");
        }
        fts.Append(')');
        foreach (var item in negatives) fts.Append(" NOT ").Append(Quote(item.Words));

        var web = string.Join(' ', sequence.Where(i => !ReferenceEquals(i, prefix)).Concat(negatives).Select(i =>
            i.Or ? "or" : (i.Negated ? "-" : "") + (i.Phrase || i.Words.Length > 1 ? "\"" + string.Join(' ', i.Words) + "\"" : i.Words[0])));
        return new SearchText(fts.ToString(), web, prefix?.Words[0]);
    }

    static string Quote(string[] words) => "\"" + string.Join(' ', words) + "\"";

    static List<Item> Tokenize(string text)
    {
        var items = new List<Item>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            var negated = false;
            if (text[i] == '-') { negated = true; i++; }
            if (i < text.Length && text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0) end = text.Length;
                var words = Words(text[(i + 1)..end]);
                if (words.Length > 0) items.Add(new Item(words, negated, true, false));
                i = end + 1;
                continue;
            }
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"') i++;
            var run = text[start..i];
            if (!negated && run.Equals("or", StringComparison.OrdinalIgnoreCase)) { items.Add(new Item([], false, false, true)); continue; }
            var runWords = Words(run);
            if (runWords.Length > 0) items.Add(new Item(runWords, negated, false, false));
        }
        return items;
    }

    /// <summary>Runs of letters and digits, lower case: all either database gets to see.</summary>
    static string[] Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c)) current.Append(char.ToLowerInvariant(c));
            else if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
        }
        if (current.Length > 0) words.Add(current.ToString());
        return [.. words];
    }
}
