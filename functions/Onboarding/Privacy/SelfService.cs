using Onboarding.Status;
using Onboarding.Users;

namespace Onboarding.Privacy;

/// <summary>
/// The person's own rights over their data: see where they stand, get everything stored about them,
/// and erase it, once the sign-in layer has found out who they are (`SignIn.SelfAuthenticator`).
/// </summary>
public sealed class SelfService(UserStore users, DataExport export, UserEraser eraser)
{
    public async Task<RecordedSignIn?> StatusAsync(PersonCaller self, CancellationToken cancellationToken) =>
        await users.FindAsync(self.Tenant.Id, self.UserId, cancellationToken) is { } user
            ? new RecordedSignIn(user, false, StatusSteps.Describe(self.Tenant, user.Status, user.FirstSignInAt))
            : null;

    public Task<PersonalData?> DataAsync(PersonCaller self, CancellationToken cancellationToken) =>
        export.ExportAsync(self.Tenant, self.UserId, cancellationToken);

    /// <summary>Erases the person's data in this tenant. Repeating it is fine.</summary>
    public Task EraseAsync(PersonCaller self, CancellationToken cancellationToken) =>
        eraser.EraseAsync(self.Tenant.Id, self.UserId, "erased on the person's request", cancellationToken);
}
