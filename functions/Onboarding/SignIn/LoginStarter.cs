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
/// <param name="Purpose">null for a person's own sign-in, <see cref="LoginStarter.StaffPurpose"/> for the staff page
/// (the "Check again" purposes are started by the service itself, never asked for in the query).</param>
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
    ProviderHealth health,
    SealedAttempts attempts,
    BrowserBindings bindings,
    TimeProvider time,
    IOptions<SignInOptions> options)
{
    private const int MaxLoginHintLength = 256;

    public const string StaffPurpose = "staff";

    /// <summary>The status page's "Check again", silent (<c>prompt=none</c>): fresh entitlements without asking for credentials.</summary>
    public const string CheckPurpose = "check";

    /// <summary>The same check as a normal sign-in, after the provider answered that it needs the person.</summary>
    public const string CheckSignInPurpose = "check-sign-in";

    /// <summary>Whether an attempt of this purpose is a "Check again" (its callback shows what changed).</summary>
    public static bool IsCheck(string? purpose) => purpose is CheckPurpose or CheckSignInPurpose;

    public async Task<LoginStart> StartAsync(string tenantId, LoginRequest request, string? existingCookie,
        CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(tenantId);
        if (request.Purpose is not (null or "" or StaffPurpose))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "for= takes only 'staff'.");
        }

        var loginHint = request.LoginHint;
        if (loginHint is { Length: > MaxLoginHintLength } || (loginHint?.Any(char.IsControl) ?? false))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "login_hint is too long or holds control characters.");
        }

        return await BeginAsync(tenant, request.ReturnTo, string.IsNullOrWhiteSpace(loginHint) ? null : loginHint,
            string.IsNullOrEmpty(request.Purpose) ? null : request.Purpose, request.SwitchAccount ? SwitchAccountPrompt : null,
            existingCookie, cancellationToken);
    }

    /// <summary>
    /// A "Check again" that needs the login service: silent first (<c>prompt=none</c>, OIDC Core
    /// §3.1.2.1: the provider answers at once, signed in or with <c>login_required</c>), then, when
    /// it needs the person, a normal sign-in.
    /// </summary>
    public Task<LoginStart> StartCheckAsync(string tenantId, string? returnTo, bool silent, string? existingCookie,
        CancellationToken cancellationToken) =>
        BeginAsync(tenants.Get(tenantId), returnTo, null, silent ? CheckPurpose : CheckSignInPurpose,
            silent ? _ => "none" : null, existingCookie, cancellationToken);

    private async Task<LoginStart> BeginAsync(Tenant tenant, string? returnTo, string? loginHint, string? purpose,
        Func<OpenIdConnectConfiguration, string>? prompt, string? existingCookie, CancellationToken cancellationToken)
    {
        var returnUri = ReturnToPolicy.Check(tenant, returnTo);
        var provider = await metadata.GetAsync(tenant, cancellationToken);
        // The discovery document may be hours old: send no one to a provider that stopped answering.
        await health.EnsureReachableAsync(tenant, cancellationToken);

        // One binding per browser, kept across attempts so two tabs signing in at once both work.
        var browserBinding = bindings.Read(existingCookie)?.Value ?? Secrets.Random();
        var nonce = Secrets.Random();
        var verifier = Secrets.Random(); // 32 bytes: 43 characters, the shortest RFC 7636 allows.
        var now = time.GetUtcNow();
        var expiresAt = now + options.Value.LoginAttemptLifetime;

        var state = attempts.Seal(tenant.Id, new LoginAttempt(nonce, verifier, returnUri?.AbsoluteUri,
            purpose, Secrets.Sha256(browserBinding), expiresAt.ToUnixTimeSeconds()));

        var url = new RequestUrl(provider.AuthorizationEndpoint).CreateAuthorizeUrl(
            clientId: tenant.ClientId,
            responseType: "code",
            scope: string.Join(' ', tenant.Scopes),
            redirectUri: options.Value.CallbackUri(tenant.Id),
            state: state,
            nonce: nonce,
            loginHint: loginHint,
            prompt: prompt?.Invoke(provider),
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
