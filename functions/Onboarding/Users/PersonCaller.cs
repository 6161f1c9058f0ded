using Onboarding.Tenants;

namespace Onboarding.Users;

/// <summary>Who is asking about themselves: proven by a bearer token, or by a browser session after sign-in.</summary>
public sealed record PersonCaller(Tenant Tenant, string UserId, UserSession? Session);
