using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Texts;

namespace Onboarding.Functions.Http;

/// <summary>
/// Renders a page: a Razor component inside the site layout, to HTML on the server. The renderer
/// encodes every value it prints; nothing here assembles markup from strings.
/// </summary>
public sealed class PageRenderer(IServiceProvider services, ILoggerFactory loggerFactory)
{
    /// <summary>The page as a response: <typeparamref name="TContent"/> with its parameters, in the layout.</summary>
    public async Task<IResult> PageAsync<TContent>(int status, PageFrame frame, Dictionary<string, object?>? parameters = null)
        where TContent : IComponent
    {
        RenderFragment page = builder =>
        {
            builder.OpenComponent<TContent>(0);
            foreach (var (name, value) in parameters ?? [])
            {
                builder.AddComponentParameter(1, name, value);
            }

            builder.CloseComponent();
        };
        // Every component of the page speaks the frame's language (its [CascadingParameter] PageTexts).
        RenderFragment content = builder =>
        {
            builder.OpenComponent<CascadingValue<PageTexts>>(0);
            builder.AddComponentParameter(1, nameof(CascadingValue<PageTexts>.Value), frame.Texts);
            builder.AddComponentParameter(2, nameof(CascadingValue<PageTexts>.IsFixed), true);
            builder.AddComponentParameter(3, nameof(CascadingValue<PageTexts>.ChildContent), page);
            builder.CloseComponent();
        };
        var html = await RenderAsync<SiteLayout>(new Dictionary<string, object?>
        {
            [nameof(SiteLayout.Frame)] = frame,
            [nameof(SiteLayout.ChildContent)] = content,
        });
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>One component to an HTML string.</summary>
    public async Task<string> RenderAsync<TComponent>(IDictionary<string, object?> parameters) where TComponent : IComponent
    {
        // A renderer per page: it keeps every component it rendered until it is disposed.
        await using var renderer = new HtmlRenderer(services, loggerFactory);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var root = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return root.ToHtmlString();
        });
    }
}
