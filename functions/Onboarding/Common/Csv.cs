namespace Onboarding.Common;

/// <summary>RFC 4180 fields, safe to open in a spreadsheet.</summary>
public static class Csv
{
    /// <summary>Quoted only when it holds a comma, a quote or a line break (quotes doubled).</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>
    /// A field a person chose (an email, an institution): one that a spreadsheet would run as a formula
    /// (starting with <c>= + - @</c>, a tab or a carriage return) gets a leading apostrophe first (OWASP,
    /// "CSV Injection"), then is quoted as needed.
    /// </summary>
    public static string Text(string? field) =>
        Quote(field is { Length: > 0 } && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + field : field ?? "");

    /// <summary>One record: the fields joined by commas, ended by CRLF.</summary>
    public static string Row(IEnumerable<string> quotedFields) => string.Join(',', quotedFields) + "\r\n";
}
