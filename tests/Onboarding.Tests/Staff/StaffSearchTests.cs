using Onboarding.Common;
using Onboarding.Staff;
using Onboarding.Users;

namespace Onboarding.Tests.Staff;

/// <summary>The staff's search fields: one at a time, normalised, and a plain reason for each refusal.</summary>
public sealed class StaffSearchTests
{
    [Theory]
    [InlineData(" Bob@Uni-Bonn.de ", "", "", SearchField.Email, "Bob@Uni-Bonn.de")]
    [InlineData("", " Uni-", "", SearchField.Institution, "uni-")]
    [InlineData("", "", "de", SearchField.Country, "DE")]
    public void OneField_Normalised(string email, string institution, string country, SearchField field, string value) =>
        Assert.Equal(new StaffSearch(field, value), StaffSearch.Create(email, institution, country));

    [Theory]
    [InlineData("", "", "", "one-field")]
    [InlineData("bob@uni-bonn.de", "uni-", "", "one-field")]
    [InlineData("bob", "", "", "email")]
    [InlineData("", "uni bonn", "", "institution")]
    [InlineData("", "-uni", "", "institution")]
    [InlineData("", "", "DEU", "country")]
    [InlineData("", "", "1E", "country")]
    public void Refused_WithWhatIsWrong(string email, string institution, string country, string problem)
    {
        Assert.Null(StaffSearch.TryCreate(email, institution, country, out var found));
        Assert.Equal(problem, found);
        var e = Assert.Throws<OnboardingException>(() => StaffSearch.Create(email, institution, country));
        Assert.Equal(ApiError.ParameterInvalid, e.Error);
        Assert.Equal(StaffSearch.Problems[problem], e.Detail);
    }

    [Fact]
    public void ASealedLookUpOfAPerson_NamesNoSearch() =>
        Assert.Null(StaffSearch.Of(new StaffLookUp(StaffLookUp.User, "e1ee")));

    [Theory]
    [InlineData("recent", SearchSort.Recent)]
    [InlineData("country", SearchSort.Country)]
    [InlineData("institution", SearchSort.Institution)]
    [InlineData(null, SearchSort.Institution)]
    [InlineData("'; drop", SearchSort.Institution)]
    public void Sort_ByName_InstitutionOtherwise(string? name, SearchSort sort) => Assert.Equal(sort, StaffSearch.SortOf(name));

    [Fact]
    public void SortKeys_OrderAsThePageSays()
    {
        string Key(SearchSort sort, string? institution, string? country, string day, string id) => UserSearch.SortKey(sort, institution, country, day, id);

        // Most recent first; the same day by id.
        Assert.True(string.CompareOrdinal(Key(SearchSort.Recent, null, null, "2026-12-07", "b"), Key(SearchSort.Recent, null, null, "2026-01-31", "a")) < 0);
        Assert.True(string.CompareOrdinal(Key(SearchSort.Recent, null, null, "2026-12-07", "a"), Key(SearchSort.Recent, null, null, "2026-12-07", "b")) < 0);
        // A to Z, unknown last.
        Assert.True(string.CompareOrdinal(Key(SearchSort.Institution, "uni-bonn.de", null, "", "z"), Key(SearchSort.Institution, "vito.be", null, "", "a")) < 0);
        Assert.True(string.CompareOrdinal(Key(SearchSort.Country, null, "ZA", "", "a"), Key(SearchSort.Country, null, null, "", "a")) < 0);
        // A shorter institution first, whatever its tie-break.
        Assert.True(string.CompareOrdinal(Key(SearchSort.Institution, "uni", null, "", "zz"), Key(SearchSort.Institution, "uni-bonn.de", null, "", "a")) < 0);
    }
}
