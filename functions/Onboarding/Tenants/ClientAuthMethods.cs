namespace Onboarding.Tenants;

/// <summary>The token endpoint client authentication methods this service can use (OIDC Core §9).</summary>
public static class ClientAuthMethods
{
    public const string SecretBasic = "client_secret_basic";
    public const string SecretPost = "client_secret_post";

    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal) { SecretBasic, SecretPost };
}
