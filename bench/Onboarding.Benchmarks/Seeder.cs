using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Onboarding.Privacy;
using Onboarding.Status;
using Onboarding.Storage;
using Onboarding.Uptake;
using Onboarding.Users;

namespace Onboarding.Benchmarks;

/// <summary>One synthetic person, as a year or two of real sign-ins would have left them.</summary>
internal sealed record Person(string UserId, string Subject, string Email, string? Institution, string? Country, IReadOnlyList<string> Roles,
    bool Linked, DateTimeOffset FirstSignInAt, DateTimeOffset LastSignInAt, int SignInCount, DateTimeOffset? ReadyAt, int[] ActiveMonths);

/// <summary>What a seeding wrote, and how long it took.</summary>
internal sealed record Seeded(int Users, int Entities, int Transactions, int CounterRows, TimeSpan Elapsed, IReadOnlyList<string> SampleEmails,
    IReadOnlyList<string> SampleUserIds, IReadOnlyDictionary<string, int> EntitiesByTable);

/// <summary>
/// Writes a population straight into the service's tables with entity-group transactions (at most 100
/// entities, one partition each), in the layout the service itself writes (keys from the service's own
/// code: <see cref="UserEntity.PartitionOf"/>, <see cref="UserIds.For"/>, the host's <see cref="EmailIndex.KeyOf"/>,
/// <see cref="ExpiryIndex"/>, <see cref="UptakeKeys"/>):
/// <list type="bullet">
/// <item>users: tenant spread over 16 buckets, row = user id; status JSON through <see cref="UserEntity.WriteStatus"/>;</item>
/// <item>emailindex: partition spread by key, row = HMAC key of the address, UserIds;</item>
/// <item>expiries: tenant, UTC day of expiry and bucket; row <c>user_{id}</c> with the email key;</item>
/// <item>uptake: one partition per month, the counters the drain would have written for this population
///   (total, country, institution and role × sign-ups, active, sign-ins, member, linked, ready, days-to-ready).</item>
/// </list>
/// The model: first sign-ins over the last two years, a last sign-in in the last year (so nobody is due
/// for the purge), 80% institutional logins from a Zipf-distributed pool of institutions that grows with the
/// population (20 + users/50: 40 at 1k, 2,020 at 100k), the country from the institution's domain, 75% VO
/// members with a role, half of them linked at the partner. Subject aliases, partner re-checks and uptake
/// markers are not seeded: no figure reads them.
/// </summary>
internal static class Seeder
{
    public static readonly string[] Roles =
        ["30-Day-Trial", "Early_Adopter", "Basic_User", "Professional_User", "University_Student", "University_Group_License", "Platform_Developer"];

    private static readonly double[] RoleWeights = [0.30, 0.10, 0.30, 0.10, 0.12, 0.05, 0.03];

    private static readonly (string Tld, double Weight)[] Tlds =
    [
        ("de", 14), ("it", 10), ("be", 9), ("fr", 9), ("nl", 8), ("es", 7), ("at", 5), ("uk", 6), ("ch", 3), ("pl", 4), ("se", 3),
        ("fi", 2), ("dk", 2), ("no", 2), ("pt", 2), ("gr", 2), ("cz", 2), ("ie", 1), ("ro", 1), ("hu", 1), ("eu", 3), ("org", 3), ("edu", 2),
    ];

    private const int Parallelism = 8;

    /// <summary>Generates <paramref name="count"/> people, the same for the same seed.</summary>
    public static List<Person> Population(string issuer, int count, int seed, DateTimeOffset now, bool expired = false)
    {
        var random = new Random(seed);
        var pool = 20 + count / 50;
        var institutions = Enumerable.Range(0, pool).Select(k => $"inst{k}.{Pick(random, Tlds, t => t.Weight).Tld}").ToArray();
        var zipf = Cumulative(Enumerable.Range(1, pool).Select(k => 1.0 / k).ToArray());
        var roleCdf = Cumulative(RoleWeights);
        var people = new List<Person>(count);
        for (var i = 0; i < count; i++)
        {
            var subject = $"{Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()))}{i:x8}@egi.eu";
            var institution = random.NextDouble() < 0.8 ? institutions[Index(zipf, random.NextDouble())] : null;
            var email = $"p{i:x}.{seed:x}@{institution ?? "gmail.com"}";
            DateTimeOffset first, last;
            if (expired)
            {
                // Due for the purge: the retention year ended in the last five days.
                var expiresAt = now - TimeSpan.FromHours(1 + random.NextDouble() * 5 * 24);
                last = expiresAt - TimeSpan.FromDays(365);
                first = last - TimeSpan.FromDays(random.NextDouble() * 200);
            }
            else
            {
                first = now - TimeSpan.FromDays(random.NextDouble() * 730);
                var since = Math.Min(365, (now - first).TotalDays);
                last = now - TimeSpan.FromDays(random.NextDouble() * since);
            }

            var member = random.NextDouble() < 0.75;
            IReadOnlyList<string> roles = !member ? []
                : random.NextDouble() < 0.05 ? [Roles[Index(roleCdf, random.NextDouble())], Roles[1]]
                : [Roles[Index(roleCdf, random.NextDouble())]];
            var linked = member && random.NextDouble() < 0.5;
            DateTimeOffset? readyAt = linked ? Min(first + TimeSpan.FromDays(Math.Min(120, -Math.Log(1 - random.NextDouble()) * 5)), last) : null;
            var active = ActiveMonths(random, first, last, now);
            people.Add(new Person(UserIds.For(issuer, subject), subject, email, institution, CountryResolver.Resolve(null, institution), roles,
                linked, first, last, 1 + (int)(-Math.Log(1 - random.NextDouble()) * 6), readyAt, active));
        }

        return people;
    }

    /// <summary>The person's rows: user record, email index row, expiry entry.</summary>
    public static (UserEntity User, EmailIndexEntity Email, ExpiryEntity Expiry) Rows(Person p, string tenant, string issuer, EmailIndex emails)
    {
        var expiresAt = p.LastSignInAt + TimeSpan.FromDays(365);
        var user = new UserEntity
        {
            PartitionKey = UserEntity.PartitionOf(tenant, p.UserId),
            RowKey = p.UserId,
            Issuer = issuer,
            Subject = p.Subject,
            Email = p.Email,
            Institution = p.Institution,
            Country = p.Country,
            FirstSignInAt = p.FirstSignInAt,
            LastSignInAt = p.LastSignInAt,
            SignInCount = p.SignInCount,
            ExpiresAt = expiresAt,
        };
        var steps = new Dictionary<string, StoredStep>
        {
            [StatusSteps.Account] = new(StepState.Done, p.FirstSignInAt),
            [StatusSteps.Membership] = p.Roles.Count > 0 ? new StoredStep(StepState.Done, p.FirstSignInAt) : new StoredStep(StepState.ActionRequired, null, "not_member"),
            ["terrascope"] = p.Linked ? new StoredStep(StepState.Done, p.ReadyAt) : new StoredStep(StepState.ActionRequired, null),
        };
        user.WriteStatus(new StoredStatus(steps, p.Roles, p.ReadyAt));
        var key = emails.KeyOf(p.Email);
        var email = new EmailIndexEntity { PartitionKey = Partitions.Spread(tenant, key), RowKey = key, UserIds = p.UserId };
        var expiry = new ExpiryEntity
        {
            PartitionKey = ExpiryIndex.Partition(tenant, expiresAt, p.UserId),
            RowKey = ExpiryIndex.Row(ExpiryKinds.User, p.UserId),
            EmailKey = key,
        };
        return (user, email, expiry);
    }

    /// <summary>The person's search index rows, as the store writes them with the record (<see cref="SearchIndex.Follow"/>; it notes them on the record).</summary>
    public static IReadOnlyList<ITableEntity> IndexRows(UserEntity user) =>
        SearchIndex.Follow(user).Select(a => a.Entity).ToList();

    /// <summary>Seeds people and, unless <paramref name="counters"/> is false, the twelve months of uptake counters they make.</summary>
    public static async Task<Seeded> SeedAsync(BenchHost host, IReadOnlyList<Person> people, DateTimeOffset now, bool counters)
    {
        var started = Stopwatch.GetTimestamp();
        var emails = host.Get<EmailIndex>();
        var rows = people.Select(p => Rows(p, BenchHost.Tenant, host.Get<Onboarding.Tenants.TenantCatalog>().Get(BenchHost.Tenant).Issuer, emails)).ToList();
        var work = new List<(string Table, IReadOnlyList<ITableEntity> Entities)>
        {
            ("users", rows.SelectMany(r => IndexRows(r.User).Prepend(r.User)).ToList()),
            ("emailindex", rows.Select(r => (ITableEntity)r.Email).ToList()),
            ("expiries", rows.Select(r => (ITableEntity)r.Expiry).ToList()),
        };
        var counterRows = 0;
        if (counters)
        {
            var uptake = Counters(people, BenchHost.Tenant, now);
            counterRows = uptake.Count;
            work.Add(("uptake", uptake));
        }

        var (entities, transactions) = await WriteAsync(host, work);
        return new Seeded(people.Count, entities, transactions, counterRows, Stopwatch.GetElapsedTime(started),
            people.Where((_, i) => i % Math.Max(1, people.Count / 500) == 0).Select(p => p.Email).ToList(),
            people.Where((_, i) => i % Math.Max(1, people.Count / 500) == 0).Select(p => p.UserId).ToList(),
            work.ToDictionary(w => w.Table, w => w.Entities.Count));
    }

    /// <summary>Upserts in entity-group transactions of up to 100 entities of one partition, several at once.</summary>
    public static async Task<(int Entities, int Transactions)> WriteAsync(BenchHost host, IEnumerable<(string Table, IReadOnlyList<ITableEntity> Entities)> work)
    {
        var batches = new List<(TableClient Table, ITableEntity[] Batch)>();
        foreach (var (name, entities) in work)
        {
            var table = host.Table(name);
            await table.CreateIfNotExistsAsync();
            batches.AddRange(entities.GroupBy(e => e.PartitionKey, StringComparer.Ordinal).SelectMany(p => p.Chunk(100)).Select(b => (table, b)));
        }

        // Largest first, so the long tail of small partitions runs alongside.
        batches = batches.OrderByDescending(b => b.Batch.Length).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (b, ct) =>
            await b.Table.SubmitTransactionAsync(b.Batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct));
        return (batches.Sum(b => b.Batch.Length), batches.Count);
    }

    /// <summary>The summary rows the drain would have written for these people, for the twelve months up to <paramref name="now"/>.</summary>
    public static List<ITableEntity> Counters(IEnumerable<Person> people, string tenant, DateTimeOffset now)
    {
        var firstMonth = MonthIndex(now) - 11;
        var summaries = new Dictionary<(int Month, string Dimension), Dictionary<string, ValueCounts>>();
        void Add(int month, IEnumerable<string[]> dims, string metric, long n = 1)
        {
            if (month < firstMonth)
            {
                return;
            }

            foreach (var d in dims)
            {
                if (!summaries.TryGetValue((month, d[0]), out var values))
                {
                    summaries[(month, d[0])] = values = new Dictionary<string, ValueCounts>(StringComparer.Ordinal);
                }

                var slot = UptakeSummaries.Slot(values, d[1]);
                if (!values.TryGetValue(slot, out var counts))
                {
                    values[slot] = counts = new ValueCounts();
                }

                counts.Add(metric, n);
            }
        }

        foreach (var p in people)
        {
            var dims = new List<string[]>
            {
                new[] { Dimensions.Total, "" },
                new[] { Dimensions.Country, p.Country ?? "unknown" },
                new[] { Dimensions.Institution, p.Institution ?? "unknown" },
            };
            dims.AddRange(p.Roles.Count == 0 ? [[Dimensions.Role, "none"]] : p.Roles.Select(r => new[] { Dimensions.Role, r }));
            var cohort = MonthIndex(p.FirstSignInAt);
            Add(cohort, dims, Metrics.SignUps);
            foreach (var month in p.ActiveMonths)
            {
                Add(month, dims, Metrics.ActiveUsers);
                Add(month, dims, Metrics.SignIns, 1 + (p.UserId[0] % 3));
            }

            if (p.Roles.Count > 0)
            {
                Add(cohort, dims, Metrics.Member);
            }

            if (p.Linked)
            {
                Add(cohort, dims, Metrics.PartnersLinked);
            }

            if (p.ReadyAt is { } readyAt)
            {
                Add(cohort, dims, Metrics.Ready);
                Add(cohort, dims, Metrics.DaysToReady((int)(readyAt - p.FirstSignInAt).TotalDays));
            }
        }

        return summaries.Select(s => (ITableEntity)UptakeSummaries.Write(
            UptakeKeys.Partition(tenant, s.Key.Month / 12, s.Key.Month % 12 + 1), s.Key.Dimension, s.Value)).ToList();
    }

    /// <summary>The report months (partitions) of the twelve months up to <paramref name="now"/>, as the default report covers.</summary>
    public static IEnumerable<string> ReportPartitions(string tenant, DateTimeOffset now) =>
        Enumerable.Range(MonthIndex(now) - 11, 12).Select(m => UptakeKeys.Partition(tenant, m / 12, m % 12 + 1));

    private static int MonthIndex(DateTimeOffset at) => at.UtcDateTime.Year * 12 + at.UtcDateTime.Month - 1;

    /// <summary>Months the person signed in: that of the last sign-in, and about a third of those since the first.</summary>
    private static int[] ActiveMonths(Random random, DateTimeOffset first, DateTimeOffset last, DateTimeOffset now)
    {
        var months = new SortedSet<int> { MonthIndex(last) };
        for (var m = Math.Max(MonthIndex(first), MonthIndex(now) - 11); m < MonthIndex(last); m++)
        {
            if (m == MonthIndex(first) || random.NextDouble() < 0.35)
            {
                months.Add(m);
            }
        }

        return [.. months];
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static double[] Cumulative(double[] weights)
    {
        var total = weights.Sum();
        var sum = 0.0;
        return weights.Select(w => (sum += w) / total).ToArray();
    }

    private static int Index(double[] cumulative, double u)
    {
        var i = Array.BinarySearch(cumulative, u);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }

    private static T Pick<T>(Random random, T[] items, Func<T, double> weight)
    {
        var u = random.NextDouble() * items.Sum(weight);
        foreach (var item in items)
        {
            if ((u -= weight(item)) <= 0)
            {
                return item;
            }
        }

        return items[^1];
    }

    public static string Describe(Seeded s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Entities:N0} entities in {s.Transactions:N0} transactions, {s.Elapsed.TotalSeconds:F0} s");
}
