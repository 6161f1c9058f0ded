using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Onboarding.Common;
using Onboarding.Status;
using Onboarding.Tenants;
using Onboarding.Uptake;
using Onboarding.Users;

namespace Onboarding.SignIn;

/// <summary>The query parameters the provider sends to the redirect URI.</summary>
public sealed record CallbackParameters(string? Code, string? State, string? Iss, string? Error);

/// <summary>A completed sign-in: a person's own (recorded, with their status) or a staff member's for the staff page.</summary>
public sealed record SignInResult(Tenant Tenant, RecordedSignIn? Recorded, Uri? ReturnTo, StaffSignIn? Staff = null)
{
    public string UserId => Recorded?.User.UserId ?? Staff!.ActorId;

    /// <summary>The status page's "Check again": the person sees what changed.</summary>
    public bool Check { get; init; }

    /// <summary>
    /// A silent "Check again" the provider could not answer without the person (<c>login_required</c>
    /// and the like): not a failure; the check goes on as a normal sign-in. Nothing was recorded.
    /// </summary>
    public bool NeedsInteraction { get; init; }
}

/// <summary>
/// A sign-in for the staff page. It is not recorded as the person's own sign-in: staff at work
/// are not uptake, and counting them would inflate the figures reported to funders.
/// </summary>
/// <param name="AccessToken">The staff sign-in's access token, which the staff session is checked with again.</param>
public sealed record StaffSignIn(string ActorId, IReadOnlySet<StaffRole> Roles, string AccessToken, DateTimeOffset AccessTokenExpiresAt);

/// <summary>
/// Completes a login. Every check of SECURITY.md "At the callback" runs, in that order, before
/// anything about the user is written; any failure is logged with its reason and nothing else.
/// </summary>
public sealed partial class CallbackHandler(
    TenantCatalog tenants,
    SealedAttempts attempts,
    ConsumedStates consumed,
    BrowserBindings bindings,
    ProviderMetadata metadata,
    ProviderClient provider,
    IdTokenValidator idTokens,
    SignInRecorder recorder,
    Pseudonymizer pseudonyms,
    SignInFailures failures,
    TimeProvider time,
    IOptions<SignInOptions> options,
    ILogger<CallbackHandler> logger)
{
    /// <param name="loginCookie">The login cookie of the browser that came back, as sealed by <see cref="LoginStarter"/>.</param>
    public async Task<SignInResult> HandleAsync(string tenantId, CallbackParameters callback,
        string? loginCookie, CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(tenantId);
        var browser = bindings.Read(loginCookie);
        try
        {
            var result = await CompleteAsync(tenant, callback, browser, cancellationToken);
            if (result.NeedsInteraction)
            {
                LogCheckNeedsInteraction(tenant.Id, Sanitize(callback.Error!));
                return result;
            }

            var userRef = pseudonyms.LogReference(result.UserId);
            LogSignIn(tenant.Id, userRef, result.Recorded?.FirstSignIn ?? false);
            return result;
        }
        catch (OnboardingException e)
        {
            // The inner exception carries only our own words (never provider bodies or tokens).
            LogSignInFailed(tenant.Id, e.Error.Code, e.InnerException?.Message ?? e.Detail);
            failures.Count(tenant.Id, e.Error.Code);
            // The page's "Sign in again" keeps where the person was going, when the state says so.
            e.ReturnTo ??= attempts.Unseal(tenant.Id, callback.State)?.ReturnTo;
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var code = Storage.StorageFaults.Is(e) ? ApiError.StorageUnavailable.Code : ApiError.Internal.Code;
            LogSignInFailed(tenant.Id, code, e.GetType().Name);
            failures.Count(tenant.Id, code);
            throw;
        }
    }

    private async Task<SignInResult> CompleteAsync(Tenant tenant, CallbackParameters callback,
        BrowserBinding? browser, CancellationToken cancellationToken)
    {
        if (callback.Error is not null)
        {
            return SilentCheckAnswered(tenant, callback, browser) is { } silent
                ? new SignInResult(tenant, null, silent.ReturnTo is null ? null : new Uri(silent.ReturnTo)) { NeedsInteraction = true }
                : throw Fail(ApiError.SignInRefused, $"provider error '{Sanitize(callback.Error)}'");
        }

        if (string.IsNullOrEmpty(callback.State))
        {
            throw Fail(ApiError.LoginAttemptUnknown, "no state");
        }

        var now = time.GetUtcNow();
        var attempt = attempts.Unseal(tenant.Id, callback.State)
            ?? throw Fail(ApiError.LoginAttemptUnknown, "state not sealed by this service for this tenant");

        // The cookie ties the attempt to the browser that started it: a code injected into
        // another browser's session (login CSRF) stops here, before the attempt is consumed.
        if (browser is null || !Secrets.FixedTimeEquals(Secrets.Sha256(browser.Value), attempt.BrowserBinding))
        {
            throw Fail(ApiError.LoginAttemptNotThisBrowser, browser is null ? "login cookie missing" : "login cookie of another attempt's browser");
        }

        if (now.ToUnixTimeSeconds() > attempt.ExpiresAtUnix) // whole seconds, as sealed
        {
            throw Fail(ApiError.LoginAttemptExpired, "attempt expired");
        }

        // The one write before the code exchange: the state is used, so a replay stops here.
        if (!await consumed.TryConsumeAsync(tenant.Id, Secrets.Sha256(callback.State), attempt.ExpiresAt, cancellationToken))
        {
            throw Fail(ApiError.LoginAttemptUnknown, "state already used");
        }

        var providerMetadata = await metadata.GetAsync(tenant, cancellationToken);
        CheckIssuerParameter(tenant, callback.Iss, providerMetadata.AuthorizationResponseIssParameterSupported);

        if (string.IsNullOrEmpty(callback.Code))
        {
            throw Fail(ApiError.ParameterInvalid, "no code");
        }

        var redirectUri = options.Value.CallbackUri(tenant.Id);
        var tokens = await provider.ExchangeCodeAsync(tenant, providerMetadata, callback.Code, attempt.CodeVerifier, redirectUri, cancellationToken);

        var validation = await idTokens.ValidateAsync(tenant, tokens.IdentityToken, attempt.Nonce, cancellationToken);
        var idToken = validation.Token ?? throw Fail(ApiError.IdTokenInvalid, validation.Failure!);

        // The record is read while userinfo is fetched, when the ID token already names the user (the
        // user-key claim is in it; userinfo may still name another, and then the record is read again).
        var idClaims = PayloadOf(idToken);
        var early = attempt.Purpose != LoginStarter.StaffPurpose && ProfileMapper.Map(tenant, idClaims) is { } named
            ? recorder.ReadEarly(tenant, named.UserId, cancellationToken)
            : null;
        var answer = await provider.GetUserInfoAsync(tenant, providerMetadata, tokens.AccessToken!, tenant.ClientId, cancellationToken);
        var userInfo = answer.Claims ?? throw Fail(ApiError.UserInfoInvalid, answer.Refusal!);
        if (ProfileMapper.Text(userInfo, "sub") != idToken.Subject)
        {
            throw Fail(ApiError.UserInfoInvalid, "userinfo sub differs from the id token's");
        }

        var claims = Merge(idClaims, userInfo);
        var profile = ProfileMapper.Map(tenant, claims) ?? throw Fail(ApiError.UserInfoInvalid, $"no {tenant.UserKeyClaim} claim");
        if (attempt.Purpose == LoginStarter.StaffPurpose)
        {
            return new SignInResult(tenant, null, null,
                new StaffSignIn(profile.UserId, tenant.Staff.RolesOf(ProfileMapper.Strings(claims, "eduperson_entitlement")),
                    tokens.AccessToken!, AccessTokenExpiry(tenant, tokens, now)));
        }

        var check = LoginStarter.IsCheck(attempt.Purpose);
        var recorded = await recorder.RecordAsync(tenant, profile, claims, check ? SignInChannel.Check : SignInChannel.Callback, cancellationToken, early);
        return new SignInResult(tenant, recorded, attempt.ReturnTo is null ? null : new Uri(attempt.ReturnTo)) { Check = check };
    }

    /// <summary>
    /// The attempt of a silent "Check again" (<c>prompt=none</c>) that the provider answered with one of
    /// OIDC Core §3.1.2.6's "the person is needed" errors, in the browser that started it and in time;
    /// null for any other error, which is a refused sign-in. The state is not consumed: the answer
    /// carries no code, and a replay could only start a sign-in in the browser that started it.
    /// </summary>
    private LoginAttempt? SilentCheckAnswered(Tenant tenant, CallbackParameters callback, BrowserBinding? browser) =>
        callback.Error is "login_required" or "interaction_required" or "consent_required" or "account_selection_required"
        && attempts.Unseal(tenant.Id, callback.State) is { Purpose: LoginStarter.CheckPurpose } attempt
        && browser is not null && Secrets.FixedTimeEquals(Secrets.Sha256(browser.Value), attempt.BrowserBinding)
        && time.GetUtcNow().ToUnixTimeSeconds() <= attempt.ExpiresAtUnix
            ? attempt
            : null;

    /// <summary>When the access token expires: <c>expires_in</c> when the provider says, else the tenant's configured lifetime.</summary>
    private static DateTimeOffset AccessTokenExpiry(Tenant tenant, Duende.IdentityModel.Client.TokenResponse tokens, DateTimeOffset now) =>
        now + (tokens.ExpiresIn > 0 ? TimeSpan.FromSeconds(tokens.ExpiresIn) : tenant.AccessTokenLifetime);

    /// <summary>
    /// RFC 9207: the <c>iss</c> parameter must name this tenant's issuer, and must be there when the
    /// provider says it sends it. This is what stops a mix-up between tenants' providers.
    /// </summary>
    private static void CheckIssuerParameter(Tenant tenant, string? iss, bool providerSendsIss)
    {
        if (iss is null ? providerSendsIss : !string.Equals(iss, tenant.Issuer, StringComparison.Ordinal))
        {
            throw Fail(ApiError.IssuerMismatch, iss is null ? "iss parameter missing" : "iss parameter names another issuer");
        }
    }

    private static JsonElement PayloadOf(JsonWebToken idToken) =>
        JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(idToken.EncodedPayload)).RootElement;

    /// <summary>Userinfo claims over ID-token claims: userinfo is the fuller, fresher source.</summary>
    private static JsonElement Merge(JsonElement idClaims, JsonElement userInfo)
    {
        var merged = JsonObject.Create(idClaims)!; // the payload decoded once, for the early read and here
        foreach (var property in userInfo.EnumerateObject())
        {
            merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }

        return JsonSerializer.SerializeToElement(merged);
    }

    private static OnboardingException Fail(ApiError error, string reason) =>
        new(error, inner: new InvalidOperationException(reason));

    private static string Sanitize(string value) =>
        new(value.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '?').ToArray());

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in succeeded: tenant {Tenant}, user {UserRef}, first {FirstSignIn}")]
    private partial void LogSignIn(string tenant, string userRef, bool firstSignIn);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "A silent check of tenant {Tenant} needs the person at the provider ({Error}): going on as a normal sign-in")]
    private partial void LogCheckNeedsInteraction(string tenant, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in failed: tenant {Tenant}, {Code}: {Reason}")]
    private partial void LogSignInFailed(string tenant, string code, string reason);
}
