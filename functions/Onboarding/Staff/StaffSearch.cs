using System.Text.RegularExpressions;
using Onboarding.Common;
using Onboarding.Users;

namespace Onboarding.Staff;

/// <summary>A search of the staff: one field, its value normalised (an email as given, trimmed; an institution in lower case; a country in upper case).</summary>
public sealed partial record StaffSearch(SearchField Field, string Value)
{
    /// <summary>The search's kind as the page and the audit name it: <c>email</c>, <c>institution</c>, <c>country</c>.</summary>
    public string Kind => Field.ToString().ToLowerInvariant();

    /// <summary>The one field filled in, checked; a clear <see cref="ApiError.ParameterInvalid"/> otherwise.</summary>
    public static StaffSearch Create(string? email, string? institution, string? country) =>
        TryCreate(email, institution, country, out var problem) ?? throw new OnboardingException(ApiError.ParameterInvalid, Problems[problem!]);

    /// <summary>The one field filled in, checked; or null, with the code of what is wrong (a key of <see cref="Problems"/>).</summary>
    public static StaffSearch? TryCreate(string? email, string? institution, string? country, out string? problem)
    {
        var (field, value) = (email?.Trim() ?? "", institution?.Trim() ?? "", country?.Trim() ?? "") switch
        {
            ({ Length: > 0 } e, "", "") => (SearchField.Email, e),
            ("", { Length: > 0 } i, "") => (SearchField.Institution, i),
            ("", "", { Length: > 0 } c) => (SearchField.Country, c),
            _ => ((SearchField?)null, ""),
        };
        var search = field is { } f ? TryOf(f, value) : null;
        problem = search is not null ? null : field is { } named ? named.ToString().ToLowerInvariant() : "one-field";
        return search;
    }

    public static StaffSearch Of(SearchField field, string value) =>
        TryOf(field, value) ?? throw new OnboardingException(ApiError.ParameterInvalid, Problems[field.ToString().ToLowerInvariant()]);

    private static StaffSearch? TryOf(SearchField field, string value) => field switch
    {
        SearchField.Email when value.Trim() is { Length: <= 254 } e && e.IndexOf('@', StringComparison.Ordinal) > 0 => new(field, e),
        SearchField.Institution when value.Trim().ToLowerInvariant() is var i && InstitutionStart().IsMatch(i) => new(field, i),
        SearchField.Country when value.Trim().ToUpperInvariant() is var c && CountryCode().IsMatch(c) => new(field, c),
        _ => null,
    };

    /// <summary>The search a sealed look-up names, or null when it names a person.</summary>
    public static StaffSearch? Of(StaffLookUp lookUp) => lookUp.Kind switch
    {
        "email" => TryOf(SearchField.Email, lookUp.Value),
        "institution" => TryOf(SearchField.Institution, lookUp.Value),
        "country" => TryOf(SearchField.Country, lookUp.Value),
        _ => null,
    };

    public StaffLookUp ToLookUp() => new(Kind, Value);

    /// <summary>What is wrong with a search, by the page's code for it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Problems = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["one-field"] = "Fill in one field: an email, the start of an institution's domain, or a country code.",
        ["email"] = "An email is searched as the whole address, like name@uni-bonn.de.",
        ["institution"] = "An institution is found by the start of its domain, like uni- or uni-bonn.de (letters, digits, dots and hyphens).",
        ["country"] = "A country is its two-letter code, like DE or BE.",
    };

    /// <summary>The sort a page asks for (<c>institution</c>, <c>country</c>, <c>recent</c>); by institution when it names none.</summary>
    public static SearchSort SortOf(string? value) => value switch
    {
        "country" => SearchSort.Country,
        "recent" => SearchSort.Recent,
        _ => SearchSort.Institution,
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{0,252}$")]
    private static partial Regex InstitutionStart();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();
}
