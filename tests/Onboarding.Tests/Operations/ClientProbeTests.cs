using static Onboarding.Operations.TenantChecker;

namespace Onboarding.Tests.Operations;

/// <summary>
/// What the tenant check concludes from the token endpoint's answers to a made-up code: only answers
/// about the client (invalid_client, unauthorized_client, 401) say whether the secret was accepted.
/// </summary>
public sealed class ClientProbeTests
{
    private static readonly Onboarding.Tenants.Tenant Tenant = TenantFactory.Create();

    private static async Task<(bool Holds, string Message, bool AskedAgain)> Judge(ProbeAnswer real, ProbeAnswer? wrong = null)
    {
        var asked = false;
        var (holds, message) = await JudgeClientProbeAsync(Tenant, real, () =>
        {
            asked = true;
            return Task.FromResult(wrong ?? throw new InvalidOperationException("the wrong secret was not to be sent"));
        });
        return (holds, message, asked);
    }

    [Fact]
    public async Task InvalidGrant_Accepted_WithoutSendingAWrongSecret()
    {
        var (holds, message, asked) = await Judge(new ProbeAnswer(400, "invalid_grant"));

        Assert.True(holds);
        Assert.Equal("accepted (a made-up code was refused as invalid_grant)", message);
        Assert.False(asked);
    }

    [Theory]
    [InlineData(401, "invalid_client")]
    [InlineData(400, "invalid_client")]
    [InlineData(403, "unauthorized_client")]
    [InlineData(401, null)]
    public async Task AnAnswerAboutTheClient_Refused_WithoutSendingAWrongSecret(int status, string? error)
    {
        var (holds, message, asked) = await Judge(new ProbeAnswer(status, error));

        Assert.False(holds);
        Assert.StartsWith($"refused ({status} {error}): check clientId and the secret in demo's clientSecretSetting", message, StringComparison.Ordinal);
        Assert.False(asked);
    }

    [Theory]
    [InlineData(403, "unauthorized_client")] // Glewlwyd
    [InlineData(401, "invalid_client")]
    public async Task ACodeRefusedOtherwise_AndAWrongSecretRefusedAsTheClient_Accepted(int status, string error)
    {
        var (holds, message, asked) = await Judge(new ProbeAnswer(403, "invalid_code"), new ProbeAnswer(status, error));

        Assert.True(holds);
        Assert.Equal($"accepted (a made-up code was refused as 403 invalid_code, a wrong secret as {status} {error})", message);
        Assert.True(asked);
    }

    /// <summary>Two answers that merely differ (any two 400s, a throttled 429, no answer) once passed for "accepted".</summary>
    [Theory]
    [InlineData(400, "invalid_request", 400, "invalid_scope")]
    [InlineData(400, "invalid_request", 429, null)]
    [InlineData(403, "invalid_code", 403, "invalid_code")]
    [InlineData(0, "Connection refused", 0, "Connection refused")]
    [InlineData(400, "invalid_request", 500, null)]
    public async Task AnswersNotAboutTheClient_Inconclusive_NeverAccepted(int status, string? error, int wrongStatus, string? wrongError)
    {
        var (holds, message, _) = await Judge(new ProbeAnswer(status, error), new ProbeAnswer(wrongStatus, wrongError));

        Assert.False(holds);
        Assert.StartsWith($"inconclusive: the token endpoint answered {status} {error} with the secret and {wrongStatus} {wrongError} with a wrong one",
            message, StringComparison.Ordinal);
    }
}
