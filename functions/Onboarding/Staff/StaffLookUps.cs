using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Onboarding.Common;

namespace Onboarding.Staff;

/// <summary>What a staff page look-up is for: a search (<c>email</c>, <c>institution</c>, <c>country</c>) or one person (<c>user</c>).</summary>
public sealed record StaffLookUp(string Kind, string Value)
{
    public const string User = "user";

    public bool IsUser => Kind == User;
}

/// <summary>
/// The staff page's look-ups, sealed (AES-256-GCM, <see cref="SealedValues"/>) to the staff session
/// they were made in, as the one query parameter <c>q</c> of the page's result and person links.
/// </summary>
/// <remarks>
/// A look-up writes an audit entry, and the staff cookie (SameSite=Lax) comes along with a link
/// followed from another site. So the page runs a look-up only from a value sealed to the session that
/// comes with it, which only the page itself (after its search form was posted with the anti-forgery
/// token, or in its own links) can have made: another site cannot make one, a value copied from history,
/// a shared link or a Referer is worth nothing in another session or after this one ends (at most an
/// hour), and what was looked up (an email) is never in an address, so never in history, a proxy's
/// log or a Referer.
/// </remarks>
public sealed class StaffLookUps(IOptions<PrivacyOptions> options)
{
    public const string Parameter = "q";

    private const int MaxLength = 1200;

    private readonly SealedValues _sealed = new(Convert.FromBase64String(options.Value.HmacSecret), "staff-look-up", "l1.");

    public string Seal(StaffSession session, StaffLookUp lookUp) =>
        _sealed.Seal(JsonSerializer.SerializeToUtf8Bytes(new Content(lookUp.Kind, lookUp.Value)), "look-up|" + session.Value);

    /// <summary>The look-up, when <paramref name="value"/> was sealed to this session; null otherwise.</summary>
    public StaffLookUp? Open(StaffSession session, string? value)
    {
        if (_sealed.Unseal(value, "look-up|" + session.Value, MaxLength) is not { } plain)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Content>(plain) is { Kind.Length: > 0, Value.Length: > 0 } c ? new StaffLookUp(c.Kind, c.Value) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Content([property: JsonPropertyName("k")] string Kind, [property: JsonPropertyName("v")] string Value);
}
