using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>How the test provider signs the next ID token.</summary>
public enum Signing
{
    Normal,
    NoKid,
    AlgNone,
    Hmac,
    Hs512,

    /// <summary>A header naming EdDSA (Ed25519), with a signature of the right length.</summary>
    EdDsa,
    UnpublishedKey,
}

/// <summary>
/// An OpenID provider whose keys and answers the test controls, for the relying-party checks that a
/// certified provider will not misbehave for: wrong issuer, missing claims, bad signatures, and so on.
/// It still does the protocol properly: codes are single-use, PKCE S256 and client_secret_basic are checked.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "rp-client";
    public const string ClientSecret = "rp-client-secret-for-tests-only";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, PendingCode> _codes = new();
    private readonly TimeProvider _time;

    private TestOidcProvider(WebApplication app, int port, TimeProvider time)
    {
        _app = app;
        _time = time;
        Issuer = $"http://127.0.0.1:{port}/rp";
        Reset();
    }

    private bool _stopped;

    public string Issuer { get; }

    public string BaseUrl => Issuer[..Issuer.LastIndexOf('/')];

    public List<RsaSecurityKey> PublishedKeys { get; } = [];

    /// <summary>A symmetric key published in the key set, as a confused provider might: HS256 must still be refused.</summary>
    public byte[] PublishedHmacKey { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>How long the slow partner endpoint takes to answer.</summary>
    public TimeSpan SlowPartnerDelay { get; set; } = TimeSpan.FromSeconds(20);
    public RsaSecurityKey SigningKey { get; set; } = null!;

    // Scenario knobs; Reset() restores a well-behaved provider.
    public Signing Signing { get; set; }
    public Action<Dictionary<string, object>>? MutateIdToken { get; set; }
    public string? UserInfoSub { get; set; }
    public bool SendIssParameter { get; set; }
    public string? IssParameterValue { get; set; }
    public bool TokenEndpointDown { get; set; }
    public bool AdvertiseIssParameter { get; set; }

    /// <summary>Userinfo as a signed JWT (<c>application/jwt</c>), with this audience (null: none).</summary>
    public bool SignUserInfo { get; set; }
    public string? UserInfoAudience { get; set; }

    /// <summary>The Content-Type of userinfo's answers, as written (media types are case-insensitive); the usual one when null.</summary>
    public string? UserInfoContentType { get; set; }

    /// <summary>Userinfo answers 429 for tokens it does not know, as a provider a flood has angered does.</summary>
    public bool UserInfoThrottlesUnknownTokens { get; set; }

    /// <summary>
    /// After a request whose client authentication failed, every further token request is answered
    /// 429, as a provider that slows down clients guessing secrets does.
    /// </summary>
    public bool ThrottleAfterFailedClientAuthentication { get; set; }

    /// <summary>How many token requests the provider received.</summary>
    public int TokenRequests => _tokenRequests;
    private int _tokenRequests;
    private int _failedClientAuthentications;

    /// <summary>How many userinfo requests the provider received.</summary>
    public int UserInfoRequests => _userInfoRequests;
    private int _userInfoRequests;
    private int _partnerRequests;

    /// <summary>Where discovery says the endpoints are; the issuer's own authority when null.</summary>
    public string? EndpointBase { get; set; }

    /// <summary>
    /// Where discovery says <c>end_session_endpoint</c> is (this provider's <c>/rp/logout</c>, reached
    /// by any host name of it, which sends the browser on to <c>post_logout_redirect_uri</c>); none when null.
    /// </summary>
    public string? EndSessionEndpoint { get; set; }

    /// <summary>What discovery lists in <c>token_endpoint_auth_methods_supported</c>.</summary>
    public string[] TokenEndpointAuthMethods { get; set; } = [];
    public string Subject { get; set; } = "";

    /// <summary>
    /// Each sign-in is of the person its <c>login_hint</c> names (else <see cref="Subject"/>), so
    /// several people can sign in at once; userinfo answers for whoever the token was issued to.
    /// </summary>
    public bool SubjectFromLoginHint { get; set; }

    /// <summary>
    /// Whether userinfo also gives a <c>voperson_id</c> (the subject's, at egi.eu), as Check-in does:
    /// a tenant keyed on it finds the person by <c>sub</c> too, through an alias row.
    /// </summary>
    public bool GivesVopersonId { get; set; }

    /// <summary>The email claim userinfo gives, when not the subject's own address.</summary>
    public string? UserInfoEmail { get; set; }

    /// <summary>What the partner admin API answers instead of "no linked account" (a partner that is down: 503).</summary>
    public int? PartnerStatusCode { get; set; }

    public int PartnerRequests => _partnerRequests;

    /// <summary>How long userinfo takes to answer (a provider under load).</summary>
    public TimeSpan UserInfoDelay { get; set; }

    /// <summary>The <c>email_verified</c> claim userinfo gives; none when null.</summary>
    public bool? EmailVerified { get; set; }

    /// <summary>The <c>expires_in</c> of the access tokens the code exchange gives.</summary>
    public int AccessTokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>Whether discovery names a revocation endpoint (RFC 7009).</summary>
    public bool OffersRevocation { get; set; } = true;

    /// <summary>Access tokens revoked (by the service at sign-out, or by a test): userinfo refuses them.</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> RevokedTokens { get; } = [];

    /// <summary>The <c>eduperson_entitlement</c> values userinfo gives the current subject.</summary>
    public string[] Entitlements { get; set; } = [];

    /// <summary>The error a silent authorization request (<c>prompt=none</c>) gets, as a provider without a session answers (<c>login_required</c>); null: a code.</summary>
    public string? SilentError { get; set; }

    /// <summary>The <c>prompt</c> of every authorization request, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Prompts { get; } = new();

    // What the service sent, for assertions.
    public IQueryCollection? LastAuthorizeQuery { get; private set; }
    public string? LastTokenAuthorization { get; private set; }
    public IFormCollection? LastTokenForm { get; private set; }
    public int JwksRequests { get; private set; }

    public void Reset()
    {
        PublishedKeys.Clear();
        SigningKey = NewKey("key-1");
        PublishedKeys.Add(SigningKey);
        Signing = Signing.Normal;
        MutateIdToken = null;
        UserInfoSub = null;
        SendIssParameter = true;
        IssParameterValue = null;
        TokenEndpointDown = false;
        AdvertiseIssParameter = true;
        SignUserInfo = false;
        UserInfoThrottlesUnknownTokens = false;
        ThrottleAfterFailedClientAuthentication = false;
        _failedClientAuthentications = 0;
        UserInfoAudience = null;
        UserInfoContentType = null;
        EndpointBase = null;
        EndSessionEndpoint = null;
        TokenEndpointAuthMethods = ["client_secret_basic"];
        Subject = "subject-" + Guid.NewGuid().ToString("N")[..8];
        SubjectFromLoginHint = false;
        Entitlements = [];
        SilentError = null;
        Prompts.Clear();
        OffersRevocation = true;
        EmailVerified = null;
        UserInfoDelay = TimeSpan.Zero;
        UserInfoEmail = null;
        PartnerStatusCode = null;
        RevokedTokens.Clear();
        AccessTokenLifetimeSeconds = 3600;
    }

    public static RsaSecurityKey NewKey(string? kid) => new(RSA.Create(2048)) { KeyId = kid };

    public static async Task<TestOidcProvider> StartAsync(TimeProvider? time = null)
    {
        var port = TestEnvironment.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new TestOidcProvider(app, port, time ?? TimeProvider.System);
        provider.Map(app);
        await app.StartAsync();
        return provider;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/rp/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object?>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = $"{EndpointBase ?? Issuer}/authorize",
            ["token_endpoint"] = $"{EndpointBase ?? Issuer}/token",
            ["userinfo_endpoint"] = $"{EndpointBase ?? Issuer}/userinfo",
            ["jwks_uri"] = $"{EndpointBase ?? Issuer}/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["token_endpoint_auth_methods_supported"] = TokenEndpointAuthMethods,
            ["authorization_response_iss_parameter_supported"] = AdvertiseIssParameter,
            ["end_session_endpoint"] = EndSessionEndpoint,
            ["revocation_endpoint"] = OffersRevocation ? $"{EndpointBase ?? Issuer}/revoke" : null,
        }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value)));

        // RFC 7009: the client authenticates as at the token endpoint; unknown tokens are answered 200 too.
        app.MapPost("/rp/revoke", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{Uri.EscapeDataString(ClientSecret)}"));
            if (request.Headers.Authorization != expected && !(form["client_id"] == ClientId && form["client_secret"] == ClientSecret))
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }

            RevokedTokens.Add(form["token"].ToString());
            return Results.Ok();
        });

        app.MapGet("/rp/logout", (HttpRequest request) => Results.Redirect(request.Query["post_logout_redirect_uri"].ToString()));

        app.MapGet("/rp/jwks", () =>
        {
            JwksRequests++;
            var keys = PublishedKeys.Select(Jwk).Append(new Dictionary<string, string>
            {
                ["kty"] = "oct",
                ["kid"] = "hmac-key",
                ["alg"] = "HS256",
                ["k"] = Base64UrlEncoder.Encode(PublishedHmacKey),
            });
            return Results.Json(new { keys = keys.ToArray() });
        });

        app.MapGet("/rp/authorize", (HttpRequest request) =>
        {
            LastAuthorizeQuery = request.Query;
            Prompts.Enqueue(request.Query["prompt"].ToString());
            if (SilentError is not null && request.Query["prompt"] == "none")
            {
                return Results.Redirect($"{request.Query["redirect_uri"]}?error={SilentError}&state={Uri.EscapeDataString(request.Query["state"]!)}");
            }

            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = new PendingCode(request.Query["nonce"]!, request.Query["code_challenge"]!, request.Query["redirect_uri"]!,
                SubjectFromLoginHint && request.Query["login_hint"] is { Count: 1 } hint ? hint.ToString() : Subject);
            var iss = !SendIssParameter ? "" : "&iss=" + Uri.EscapeDataString(IssParameterValue ?? Issuer);
            return Results.Redirect($"{request.Query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(request.Query["state"]!)}{iss}");
        });

        app.MapPost("/rp/token", async (HttpRequest request) =>
        {
            LastTokenAuthorization = request.Headers.Authorization;
            Interlocked.Increment(ref _tokenRequests);
            if (ThrottleAfterFailedClientAuthentication && _failedClientAuthentications > 0)
            {
                return Results.StatusCode(429);
            }

            if (TokenEndpointDown)
            {
                return Results.StatusCode(503);
            }

            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{Uri.EscapeDataString(ClientSecret)}"));
            var form = await request.ReadFormAsync();
            LastTokenForm = form;
            var byPost = form["client_id"] == ClientId && form["client_secret"] == ClientSecret;
            if (LastTokenAuthorization != expected && !byPost)
            {
                Interlocked.Increment(ref _failedClientAuthentications);
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }

            if (form["grant_type"] == "client_credentials")
            {
                return Results.Json(new { access_token = "service-token", token_type = "Bearer", expires_in = 300 });
            }

            if (!_codes.TryRemove(form["code"].ToString(), out var pending)
                || form["redirect_uri"] != pending.RedirectUri
                || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != pending.Challenge)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            return Results.Json(new
            {
                access_token = "at-" + pending.Subject,
                token_type = "Bearer",
                expires_in = AccessTokenLifetimeSeconds,
                id_token = IdToken(pending.Nonce, pending.Subject),
            });
        });

        // A partner admin API that takes far longer than any sane time-out.
        app.MapGet("/slow-partner/admin/realms/{realm}/users", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _partnerRequests);
            await Task.Delay(SlowPartnerDelay, context.RequestAborted);
            return PartnerStatusCode is { } down ? Results.StatusCode(down) : Results.Json(Array.Empty<object>());
        });

        app.MapGet("/rp/userinfo", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref _userInfoRequests);
            if (UserInfoDelay > TimeSpan.Zero)
            {
                await Task.Delay(UserInfoDelay, request.HttpContext.RequestAborted);
            }

            var subject = SubjectFromLoginHint && request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer at-", StringComparison.Ordinal)
                ? auth["Bearer at-".Length..]
                : Subject;
            if (request.Headers.Authorization != $"Bearer at-{subject}" || RevokedTokens.Contains($"at-{subject}"))
            {
                return Results.StatusCode(UserInfoThrottlesUnknownTokens ? 429 : 401);
            }

            var claims = new Dictionary<string, object> { ["sub"] = UserInfoSub ?? subject, ["email"] = UserInfoEmail ?? $"{subject}@example.org", ["eduperson_entitlement"] = Entitlements };
            if (EmailVerified is { } verified)
            {
                claims["email_verified"] = verified;
            }

            if (GivesVopersonId)
            {
                claims["voperson_id"] = $"{subject}@egi.eu";
            }

            if (!SignUserInfo)
            {
                return UserInfoContentType is null ? Results.Json(claims) : Results.Text(JsonSerializer.Serialize(claims), UserInfoContentType);
            }

            claims["iss"] = Issuer;
            if (UserInfoAudience is not null)
            {
                claims["aud"] = UserInfoAudience;
            }

            var jwt = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
                .CreateToken(JsonSerializer.Serialize(claims), new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256));
            return Results.Text(jwt, UserInfoContentType ?? "application/jwt");
        });
    }

    private string IdToken(string nonce, string subject)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = ClientId,
            ["iat"] = now,
            ["exp"] = now + 300,
            ["nonce"] = nonce,
        };
        MutateIdToken?.Invoke(claims);
        var payload = JsonSerializer.Serialize(claims);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return Signing switch
        {
            Signing.AlgNone => handler.CreateToken(payload),
            Signing.NoKid => handler.CreateToken(payload, new SigningCredentials(
                new RsaSecurityKey(SigningKey.Rsa), SecurityAlgorithms.RsaSha256)),
            Signing.Hmac => handler.CreateToken(payload, new SigningCredentials(
                new SymmetricSecurityKey(PublishedHmacKey) { KeyId = "hmac-key" }, SecurityAlgorithms.HmacSha256)),
            Signing.Hs512 => handler.CreateToken(payload, new SigningCredentials(
                new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64)) { KeyId = "hmac-key" }, SecurityAlgorithms.HmacSha512)),
            Signing.EdDsa => EdDsaShaped(payload),
            Signing.UnpublishedKey => handler.CreateToken(payload, new SigningCredentials(
                NewKey(SigningKey.KeyId), SecurityAlgorithms.RsaSha256)),
            _ => handler.CreateToken(payload, new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256)),
        };
    }

    /// <summary>An EdDSA-shaped token: the header names Ed25519, the signature has its 64 bytes.</summary>
    private static string EdDsaShaped(string payload) =>
        Base64UrlEncoder.Encode("{\"alg\":\"EdDSA\",\"kid\":\"ed25519-key\",\"typ\":\"JWT\"}") + "."
        + Base64UrlEncoder.Encode(payload) + "." + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(64));

    private static Dictionary<string, string> Jwk(RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(false);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (key.KeyId is not null)
        {
            jwk["kid"] = key.KeyId;
        }

        return jwk;
    }

    /// <summary>Stops answering: connections to it are refused from now on, as with a provider that is down.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record PendingCode(string Nonce, string Challenge, string RedirectUri, string Subject);
}
