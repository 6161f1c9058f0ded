using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.Tenants;
using static Onboarding.Functions.Http.Html;

namespace Onboarding.Functions.SignIn;

public static class SignedOutPage
{
    public static IResult Result(Tenant tenant) => Page(200, "Signed out", $"""
        <main>
          <h1>You are signed out</h1>
          <p>You are signed out of {E(tenant.DisplayName)} on this browser.</p>
          <p><a class="button" href="{E(Routes.Login(tenant.Id))}">Sign in again</a>
             <a class="button" href="{E(Routes.Login(tenant.Id))}?prompt=login">Use another account</a></p>
          <p><small>"Use another account" asks your login provider to show who is signing in, instead of signing you in again as before.</small></p>
        </main>
        """);
}
