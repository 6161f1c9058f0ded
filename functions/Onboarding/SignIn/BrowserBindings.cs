using System.Globalization;
using Microsoft.Extensions.Options;
using Onboarding.Common;

namespace Onboarding.SignIn;

/// <summary>
/// What the login cookie holds: a random value that ties login attempts to this browser (the
/// attempt stores only its hash), and when the browser's latest attempt expires.
/// </summary>
public sealed record BrowserBinding(string Value, DateTimeOffset LatestAttemptExpiresAt);

/// <summary>
/// Seals and reads the login cookie. Signed with a key of its own, so nobody without the deployment
/// secret can make one, and the expiry it carries can be trusted to tell "took too long" apart from
/// "started in another browser" after the attempt itself has been cleaned up.
/// </summary>
public sealed class BrowserBindings(IOptions<PrivacyOptions> options)
{
    private readonly SignedValues _signed = new(Convert.FromBase64String(options.Value.HmacSecret), "login-cookie");

    public string Seal(BrowserBinding binding) =>
        _signed.Protect("b1", binding.Value, binding.LatestAttemptExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

    /// <summary>The binding a genuine cookie holds, or null for none, a forged or a malformed one.</summary>
    public BrowserBinding? Read(string? cookie) =>
        _signed.Unprotect(cookie) is ["b1", { Length: 43 } value, var expiry]
        && long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds < 253402300799 // year 9999: FromUnixTimeSeconds would throw beyond
            ? new BrowserBinding(value, DateTimeOffset.FromUnixTimeSeconds(seconds))
            : null;
}
