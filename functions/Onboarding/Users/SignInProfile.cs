namespace Onboarding.Users;

/// <summary>
/// What a sign-in tells us about a person, reduced to what the service may keep: the stable
/// identifier and the three allowed attributes. Nothing else from the claims goes further.
/// </summary>
/// <param name="EmailVerified">Whether the provider says it verified <paramref name="Email"/>: true, false, or null when it does not say.</param>
public sealed record SignInProfile(string Issuer, string Subject, string? Email, string? Institution, string? Country, bool? EmailVerified = null)
{
    /// <summary>The user's id in this service: a hash of issuer and subject, never the email.</summary>
    public string UserId => UserIds.For(Issuer, Subject);
}

public static class UserIds
{
    public static string For(string issuer, string subject) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(issuer + "\n" + subject)))[..32];
}
