using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Providers;

/// <summary>
/// A person is counted, not a token (README: what <c>sign_in_count</c> means): every sign-in at the
/// callback counts; bearer tokens count on the first day they are used, whatever their number.
/// </summary>
public sealed class SignInCountingTests : TestProviderTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    protected override TimeProvider Clock => _clock;

    private async Task<int> MeCountAsync()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/rp/me"));
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer at-{Provider.Subject}");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sign_in_count").GetInt32();
    }

    [Fact]
    public async Task BearerUse_CountsOnceADay_ACallbackSignInAlways()
    {
        Assert.Equal(1, await MeCountAsync());   // the first use registers the person
        Assert.Equal(1, await MeCountAsync());   // the same day: not again
        _clock.Advance(TimeSpan.FromHours(11)); // 23:00, still the same UTC day
        Assert.Equal(1, await MeCountAsync());

        _clock.Advance(TimeSpan.FromHours(2));  // the next day
        Assert.Equal(2, await MeCountAsync());

        using var browser = new Browser();
        using var signIn = (await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login"))).Response;
        Assert.Equal(3, (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sign_in_count").GetInt32());
        Assert.Equal(3, Assert.Single(await Service.UsersAsync("rp")).SignInCount);
    }
}
