using System.Net;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// Storage slower than a try's time-out (5 s): the record's write is held 6 s, the SDK gives up on it
/// and sends it again, and the first one lands late, after the retry. The sign-in is answered, applied
/// once and counted once, and every table is consistent.
/// </summary>
public sealed class SlowStorageTests : FaultProxyTests
{
    [Fact]
    public async Task RecordWriteSlowerThanATry_TheLateWriteLandsAfterTheRetry_AppliedAndCountedOnce()
    {
        Provider.SubjectFromLoginHint = true;
        foreach (var round in new[] { "first", "repeat" })
        {
            var (held, batches) = (0, 0);
            Proxy.DelayBy = TimeSpan.FromSeconds(6);
            Proxy.Rule = (method, address) =>
            {
                if (method != "POST" || !address.Contains("$batch", StringComparison.Ordinal))
                {
                    return StorageFault.None;
                }

                Interlocked.Increment(ref batches);
                return Interlocked.Exchange(ref held, 1) == 0 ? StorageFault.Delay : StorageFault.None;
            };
            using var browser = new Browser();
            using var response = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "sam"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(batches >= 2, $"{round}: the held write was not sent again ({batches} sent)");
            await Task.Delay(TimeSpan.FromSeconds(2)); // the held write has landed (or been refused) by now
        }

        Assert.Equal(2, Proxy.Late); // both held writes landed after their retry
        await AssertOnePersonSignedInTwiceAsync();
    }
}
