using System.Net;
using System.Text;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// The form endpoints check content type and size before they read a byte (SECURITY.md: bodies
/// bounded before they are read): a clear 4xx, never a 500, and nothing erased or changed.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class FormInputTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    public static TheoryData<string, string, int> Bodies => new()
    {
        { "application/json", "{\"confirm\":\"yes\"}", 415 },
        { "multipart/form-data", "--x\r\n", 415 },                       // no boundary
        { "text/plain", "confirm=yes", 415 },
        { "application/x-www-form-urlencoded; charset=utf-7", "confirm=yes", 415 },
        { "application/x-www-form-urlencoded", new string('a', 20_000), 413 },
        { "application/x-www-form-urlencoded", string.Join('&', Enumerable.Range(0, 1500).Select(i => $"f{i}=1")), 400 }, // over 32 fields
        { "application/x-www-form-urlencoded", "csrf=" + new string('x', 5000), 400 },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task EraseForm_OddBodies_4xx_NothingErased(string contentType, string body, int status)
    {
        using var browser = new Browser("text/html");
        using (var signIn = await browser.SignInAsync(Service.BaseUrl, "demo", "dave"))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }

        foreach (var path in new[] { "api/tenants/demo/me/erase", "api/tenants/demo/logout", "api/tenants/demo/staff" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Service.BaseUrl, path))
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            using var response = await browser.SendAsync(request);

            // The staff page without a staff session is its sign-in page: nothing is read there.
            var expected = path.EndsWith("/staff", StringComparison.Ordinal) ? 200 : status;
            Assert.True((int)response.StatusCode == expected, $"{path}: {(int)response.StatusCode}, expected {expected}");
        }

        Assert.Contains(await Service.UsersAsync("demo"), u => u.Email == "dave.social@gmail.com");
        using var me = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/me"));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode); // still signed in
    }
}
