using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Onboarding.Common;

namespace Onboarding.Functions.Http;

/// <summary>Small server-rendered pages. Every value printed goes through <see cref="E"/>.</summary>
public static class Html
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1b1f23;line-height:1.5}
        h1{font-size:1.5rem} dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
        dt{font-weight:600} .error{border-left:4px solid #c62828;padding-left:1rem} code{background:#f3f3f3;padding:0 .25rem}
        .steps li{margin:.4rem 0} .state{display:inline-block;min-width:4.5em;margin-right:.4rem;padding:0 .4rem;border-radius:3px;font-weight:600;text-align:center}
        .done .state{background:#e6f4ea;color:#1e7e34} .action-required .state{background:#fdecea;color:#b71c1c}
        .unknown .state,.pending .state{background:#fff4e5;color:#8a5300}
        table{border-collapse:collapse} th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}
        """;

    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static IResult Page(int status, string title, string body)
    {
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append("</title><style>").Append(Style).Append("</style></head><body>")
            .Append(body)
            .Append("</body></html>")
            .ToString();
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    public static string ErrorBody(ApiError error, string detail, string? retryUrl) =>
        $"<main class=\"error\"><h1>{E(error.Title)}</h1><p>{E(detail)}</p>" +
        (retryUrl is null ? "" : $"<p><a href=\"{E(retryUrl)}\">Sign in again</a></p>") +
        $"<p>Reference code: <code>{E(error.Code)}</code></p></main>";
}
