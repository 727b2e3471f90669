using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// Every string read from a request body refuses control characters other than tab, line feed and carriage return:
/// U+0000 cannot be stored by PostgreSQL (it answered 500, or a misleading 409), and none of them belongs in a name,
/// title or comment. The request is then a 400 validation problem naming the field (<see cref="ProblemExceptionHandler"/>),
/// the same on both providers.
/// </summary>
public sealed class TextWithoutControlCharacters : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        if (value is not null && HasDisallowed(value))
            throw new JsonException(null, new DisallowedCharacterException());
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public static bool HasDisallowed(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c == '\u007f') return true;
        return false;
    }
}

/// <summary>The reason a string was refused: it holds a control character.</summary>
public sealed class DisallowedCharacterException() : FormatException("The text contains a control character.");
