using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Texts;
using Onboarding.SignIn;
using Onboarding.Tenants;

namespace Onboarding.Functions.Http;

/// <summary>
/// The frame of a person's page for this request: its language (the switch's pick, kept in a cookie,
/// else the browser's <c>Accept-Language</c>), the same page in the other languages, and where to get
/// help. Staff and operator pages speak English (<see cref="Staff"/>).
/// </summary>
public sealed class PageFrames(BrowserCookies cookies, IOptions<SignInOptions> options)
{
    /// <summary>The query parameter of the language switch.</summary>
    public const string LanguageParameter = "lang";

    /// <summary>The language of the person's pages for this request.</summary>
    public PageTexts TextsOf(HttpRequest request) =>
        LanguageChoice.Choose(PickedLanguage(request) ?? cookies.ReadLanguage(request), request.Headers.AcceptLanguage.ToString());

    /// <summary>A language the switch asked for just now (<c>?lang=fr</c>), when the pages speak it.</summary>
    public static string? PickedLanguage(HttpRequest request) => PageTexts.Find(request.Query[LanguageParameter])?.Language;

    /// <summary>A person's page titled by the text <paramref name="titleKey"/>, for <paramref name="tenant"/> (null: none known).</summary>
    public PageFrame Person(HttpRequest request, string titleKey, Tenant? tenant, string? mainClass = null) =>
        Person(request, TextsOf(request), titleKey, tenant, mainClass);

    /// <param name="keep">The query the language links keep (null: the request's own). An error page keeps
    /// only what it checked, so that a refused value is never offered back as a link.</param>
    public PageFrame Person(HttpRequest request, PageTexts texts, string titleKey, Tenant? tenant, string? mainClass = null,
        IReadOnlyList<KeyValuePair<string, string?>>? keep = null) =>
        new(texts, texts.Format(titleKey, ("platform", tenant?.DisplayName ?? texts["layout.thePlatform"])), tenant?.DisplayName, mainClass)
        {
            Languages = LanguageLinks(request, texts, keep),
            SupportUrl = tenant?.SupportUrl ?? options.Value.SupportUrl,
        };

    /// <summary>A staff or operator page: English, with no language switch.</summary>
    public static PageFrame Staff(string title, string? siteName, string? mainClass = null) => new(PageTexts.English, title, siteName, mainClass);

    /// <summary>
    /// This page in each language, for a GET: the same address with <c>lang</c> set. None for the
    /// answer to a form (following it would repeat nothing, but would not show this page either) nor
    /// at the callback, whose address holds the spent code and state.
    /// </summary>
    private static List<LanguageLink> LanguageLinks(HttpRequest request, PageTexts current, IReadOnlyList<KeyValuePair<string, string?>>? keep)
    {
        if (!HttpMethods.IsGet(request.Method) || Routes.TenantPathOf(request.Path.Value) == "callback")
        {
            return [];
        }

        var kept = keep ?? request.Query.Where(q => q.Key != LanguageParameter)
            .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v))).ToList();
        return PageTexts.All.Select(language => new LanguageLink(language.Language, language["layout.languageName"],
                request.PathBase + request.Path + QueryString.Create(
                    kept.Append(KeyValuePair.Create(LanguageParameter, (string?)language.Language))),
                language == current))
            .ToList();
    }
}
