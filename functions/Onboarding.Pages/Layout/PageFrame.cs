using Onboarding.Pages.Texts;

namespace Onboarding.Pages.Layout;

/// <summary>What the layout shows around a page's content.</summary>
/// <param name="Texts">The language the page speaks (its words, its <c>lang</c>); staff pages speak English.</param>
/// <param name="Title">The document title.</param>
/// <param name="SiteName">The tenant's display name for the site header; null when no tenant is known.</param>
/// <param name="MainClass">A class on <c>&lt;main&gt;</c>, for pages whose style or tests key on it.</param>
public sealed record PageFrame(PageTexts Texts, string Title, string? SiteName, string? MainClass = null)
{
    /// <summary>Who is signed in, as the header says it; null shows nobody.</summary>
    public string? SignedInAs { get; init; }

    /// <summary>Links in the site header; the navigation is left out when empty.</summary>
    public IReadOnlyList<NavLink> Navigation { get; init; } = [];

    /// <summary>The sign-out form; left out when null.</summary>
    public SignOutForm? SignOut { get; init; }

    /// <summary>The same page in each language the pages speak; left out when empty (staff pages, answers to a form).</summary>
    public IReadOnlyList<LanguageLink> Languages { get; init; } = [];

    /// <summary>Where people get help (the tenant's support address: https or mailto); left out when null.</summary>
    public string? SupportUrl { get; init; }
}

public sealed record NavLink(string Text, string Href, bool Current = false);

/// <summary>A POST to <paramref name="Action"/> carrying the session's anti-forgery token.</summary>
public sealed record SignOutForm(string Action, string AntiForgeryToken);

/// <summary>This page in another language: <paramref name="Language"/> is its tag, <paramref name="Name"/> its own name for itself.</summary>
public sealed record LanguageLink(string Language, string Name, string Href, bool Current);

/// <summary>A form of the person's pages: where it posts, and the session's anti-forgery token it carries.</summary>
public sealed record PersonForm(string Action, string AntiForgeryToken);
