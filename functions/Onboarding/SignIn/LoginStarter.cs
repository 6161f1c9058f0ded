using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>What the platform (or the person) asked for when sending the browser to <c>/login</c>.</summary>
/// <param name="Purpose">null for a person's own sign-in, <see cref="LoginStarter.StaffPurpose"/> for the staff page.</param>
/// <param name="SwitchAccount">"Use another account": the provider must ask who is signing in, not reuse its session.</param>
public sealed record LoginRequest(string? ReturnTo, string? LoginHint, string? Purpose, bool SwitchAccount = false);

/// <summary>Where to send the browser, and the sealed value its login cookie must hold.</summary>
public sealed record LoginStart(string AuthorizeUrl, string Cookie);

/// <summary>
/// Starts a login: checks the return address, creates a one-time attempt (nonce, PKCE verifier)
/// bound to this browser, seals it into the state (<see cref="SealedAttempts"/>: nothing is stored),
/// and builds the authorization request.
/// </summary>
public sealed class LoginStarter(
    TenantCatalog tenants,
    ProviderMetadata metadata,
    SealedAttempts attempts,
    BrowserBindings bindings,
    TimeProvider time,
    IOptions<SignInOptions> options)
{
    private const int MaxLoginHintLength = 256;

    public const string StaffPurpose = "staff";

    public async Task<LoginStart> StartAsync(string tenantId, LoginRequest request, string? existingCookie,
        CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(tenantId);
        if (request.Purpose is not (null or "" or StaffPurpose))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "for= takes only 'staff'.");
        }

        var returnUri = ReturnToPolicy.Check(tenant, request.ReturnTo);
        var loginHint = request.LoginHint;
        if (loginHint is { Length: > MaxLoginHintLength } || (loginHint?.Any(char.IsControl) ?? false))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "login_hint is too long or holds control characters.");
        }

        var provider = await metadata.GetAsync(tenant, cancellationToken);

        // One binding per browser, kept across attempts so two tabs signing in at once both work.
        var browserBinding = bindings.Read(existingCookie)?.Value ?? Secrets.Random();
        var nonce = Secrets.Random();
        var verifier = Secrets.Random(); // 32 bytes: 43 characters, the shortest RFC 7636 allows.
        var now = time.GetUtcNow();
        var expiresAt = now + options.Value.LoginAttemptLifetime;

        var state = attempts.Seal(tenant.Id, new LoginAttempt(nonce, verifier, returnUri?.AbsoluteUri,
            string.IsNullOrEmpty(request.Purpose) ? null : request.Purpose, Secrets.Sha256(browserBinding), expiresAt.ToUnixTimeSeconds()));

        var url = new RequestUrl(provider.AuthorizationEndpoint).CreateAuthorizeUrl(
            clientId: tenant.ClientId,
            responseType: "code",
            scope: string.Join(' ', tenant.Scopes),
            redirectUri: options.Value.CallbackUri(tenant.Id),
            state: state,
            nonce: nonce,
            loginHint: string.IsNullOrWhiteSpace(loginHint) ? null : loginHint,
            prompt: request.SwitchAccount ? SwitchAccountPrompt(provider) : null,
            codeChallenge: Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            codeChallengeMethod: "S256");
        return new LoginStart(url, bindings.Seal(new BrowserBinding(browserBinding, expiresAt)));
    }

    /// <summary>
    /// <c>select_account</c> where the provider says it offers it (an account chooser), else
    /// <c>login</c> (OIDC Core §3.1.2.1): either way the provider's own session is not reused silently.
    /// </summary>
    private static string SwitchAccountPrompt(OpenIdConnectConfiguration provider) =>
        provider.PromptValuesSupported.Contains("select_account") ? "select_account" : "login";
}
