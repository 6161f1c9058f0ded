using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>Where to send the browser, and the binding value its login cookie must hold.</summary>
public sealed record LoginStart(string AuthorizeUrl, string BrowserBinding);

/// <summary>
/// Starts a login: checks the return address, creates a one-time attempt (state, nonce, PKCE
/// verifier) bound to this browser, stores it, and builds the authorization request.
/// </summary>
public sealed class LoginStarter(
    TenantCatalog tenants,
    ProviderMetadata metadata,
    LoginAttemptStore attempts,
    TimeProvider time,
    IOptions<SignInOptions> options)
{
    private const int MaxLoginHintLength = 256;

    public const string StaffPurpose = "staff";

    /// <param name="purpose">null for a person's own sign-in, <see cref="StaffPurpose"/> for the staff page.</param>
    public async Task<LoginStart> StartAsync(string tenantId, string? returnTo, string? loginHint, string? purpose,
        string? existingBrowserBinding, CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(tenantId);
        if (purpose is not (null or "" or StaffPurpose))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "for= takes only 'staff'.");
        }

        var returnUri = ReturnToPolicy.Check(tenant, returnTo);
        if (loginHint is { Length: > MaxLoginHintLength } || (loginHint?.Any(char.IsControl) ?? false))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "login_hint is too long or holds control characters.");
        }

        var provider = await metadata.GetAsync(tenant, cancellationToken);

        // One binding per browser, kept across attempts so two tabs signing in at once both work.
        var browserBinding = BrowserBindings.IsWellFormed(existingBrowserBinding) ? existingBrowserBinding! : Secrets.Random();
        var state = Secrets.Random();
        var nonce = Secrets.Random();
        var verifier = Secrets.Random(); // 32 bytes: 43 characters, the shortest RFC 7636 allows.
        var now = time.GetUtcNow();

        await attempts.SaveAsync(new LoginAttemptEntity
        {
            PartitionKey = tenant.Id,
            RowKey = Secrets.Sha256(state),
            Nonce = nonce,
            CodeVerifier = verifier,
            ReturnTo = returnUri?.AbsoluteUri,
            Purpose = string.IsNullOrEmpty(purpose) ? null : purpose,
            BrowserBinding = Secrets.Sha256(browserBinding),
            CreatedAt = now,
            ExpiresAt = now + options.Value.LoginAttemptLifetime,
        }, cancellationToken);

        var url = new RequestUrl(provider.AuthorizationEndpoint).CreateAuthorizeUrl(
            clientId: tenant.ClientId,
            responseType: "code",
            scope: string.Join(' ', tenant.Scopes),
            redirectUri: options.Value.CallbackUri(tenant.Id),
            state: state,
            nonce: nonce,
            loginHint: string.IsNullOrWhiteSpace(loginHint) ? null : loginHint,
            codeChallenge: Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            codeChallengeMethod: "S256");
        return new LoginStart(url, browserBinding);
    }
}

public static class BrowserBindings
{
    /// <summary>True for a value this service could have made (43 base64url characters).</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 43 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
