namespace Onboarding.Pages.Layout;

/// <summary>What the layout shows around a page's content.</summary>
/// <param name="Title">The document title.</param>
/// <param name="SiteName">The tenant's display name for the site header; null when no tenant is known.</param>
/// <param name="MainClass">A class on <c>&lt;main&gt;</c>, for pages whose style or tests key on it.</param>
public sealed record PageFrame(string Title, string? SiteName, string? MainClass = null)
{
    /// <summary>Who is signed in, as the header says it; null shows nobody.</summary>
    public string? SignedInAs { get; init; }

    /// <summary>Links in the site header; the navigation is left out when empty.</summary>
    public IReadOnlyList<NavLink> Navigation { get; init; } = [];

    /// <summary>The sign-out form; left out when null.</summary>
    public SignOutForm? SignOut { get; init; }
}

public sealed record NavLink(string Text, string Href);

/// <summary>A POST to <paramref name="Action"/> carrying the session's anti-forgery token.</summary>
public sealed record SignOutForm(string Action, string AntiForgeryToken);
