namespace Onboarding.Users;

/// <summary>
/// What a sign-in tells us about a person, reduced to what the service may keep: the stable
/// identifier and the three allowed attributes. Nothing else from the claims goes further.
/// </summary>
public sealed record SignInProfile(string Issuer, string Subject, string? Email, string? Institution, string? Country)
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
