namespace Onboarding.Tenants;

/// <summary>The ids of the steps every tenant has; a partner's id may not take one.</summary>
public static class BuiltInSteps
{
    public const string Account = "account";
    public const string Membership = "membership";
}
