using System.Globalization;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;
using P4Flow.P4Sim.Security;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 user -i [-f]: a user spec form from standard input, checked as p4d's spec parser checks it (syntax and known
/// fields, then the required ones), then saved. Without -f a user saves only their own spec, creating it if need be;
/// -f saves anyone's and keeps the form's Update date. -f needs super access, which every user has here since the
/// simulator has no protections table. The lines and their sources are in REFERENCE.md ("user -i").
/// </summary>
internal static class UserSave
{
    /// <summary>The user spec's fields in the order of p4d's spec definition (the one P4Python and P4Perl carry).</summary>
    public static readonly string[] Fields = ["User", "Type", "Email", "Update", "Access", "FullName", "JobView", "Password", "AuthMethod", "Reviews"];

    /// <summary>What user -o shows in place of a password: the form never carries a real one back.</summary>
    public const string MaskedPassword = "******";

    // The definition marks these required ("rq"); p4d reports the first one missing, in definition order.
    private static readonly string[] Required = ["User", "Email", "FullName"];

    private static readonly string[] DateFormats = ["yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd:HH:mm:ss", "yyyy/MM/dd"];

    public static void Run(CommandContext context, bool force)
    {
        var text = context.Input.ReadToEnd();
        if (SpecForm.FirstError(text, Fields) is { } error)
        {
            SpecError(context, $"Error detected at line {error.Line}.\n{error.Message}");
            return;
        }

        var fields = SpecForm.Parse(text);
        if (Array.Find(Required, f => SpecForm.Single(fields, f) is null) is { } missing)
        {
            SpecError(context, $"Missing required field '{missing}'.");
            return;
        }

        var name = SpecForm.Single(fields, "User")!;
        if (!force && name != context.User)
        {
            // MsgDm::CantChangeUser: the spec being edited is the caller's own, so its name is fixed.
            context.Out.Error($"User name can't be changed from '{context.User}'.", GenericCode.Usage);
            return;
        }

        if (TryNewPassword(context, SpecForm.Single(fields, "Password"), out var password))
        {
            Save(context, fields, name, force, password);
        }
    }

    private static void Save(CommandContext context, Dictionary<string, List<string>> fields, string name, bool force, string? password)
    {
        var existing = context.State.Users.GetValueOrDefault(name);
        var datedByForm = force ? ParseDate(SpecForm.Single(fields, "Update")) : null;
        var user = new UserRecord
        {
            Name = name,
            Email = SpecForm.Single(fields, "Email")!,
            FullName = SpecForm.Single(fields, "FullName")!,
            JobView = SpecForm.Single(fields, "JobView"),
            Reviews = fields.GetValueOrDefault("Reviews") ?? [],
            Update = datedByForm ?? context.Now,
            Access = existing?.Access ?? context.Now,
            PasswordHash = existing?.PasswordHash,
        };
        var samePassword = password is null || PasswordHash.Verify(existing?.PasswordHash, password);
        if (existing is not null && samePassword && SameFields(existing, user) && (datedByForm is null || datedByForm == existing.Update))
        {
            context.Out.Info($"User {name} not changed.");
            return;
        }

        if (!samePassword)
        {
            PasswdCommand.StorePassword(context, user, password!);
        }

        context.State.Users[name] = user;
        context.MarkDirty();
        context.Out.Info($"User {name} saved.");
    }

    /// <summary>
    /// The password a form sets, null when it leaves the password alone (no Password field, or the mask user -o
    /// prints). False after printing a refusal: from security level 2 on only p4 passwd sets passwords
    /// (MsgDm::NoClearText), and at level 1 the password must pass p4 passwd's strength rules.
    /// </summary>
    private static bool TryNewPassword(CommandContext context, string? field, out string? password)
    {
        password = field is null || field == MaskedPassword ? null : field;
        if (password is null)
        {
            return true;
        }

        if (context.State.SecurityLevel >= 2)
        {
            context.Out.Error("Passwords can only be set by 'p4 passwd' at this security level.", GenericCode.Usage);
            return false;
        }

        return PasswdCommand.Acceptable(context, password);
    }

    private static bool SameFields(UserRecord a, UserRecord b) =>
        a.Email == b.Email && a.FullName == b.FullName && a.JobView == b.JobView && a.Reviews.SequenceEqual(b.Reviews);

    /// <summary>
    /// MsgServer::ErrorInSpec is set last, so it prints first and its generic code (ILLEGAL) is the one the error
    /// carries: Error::Set keeps the generic of the latest message of equal severity (support/error.cc).
    /// </summary>
    private static void SpecError(CommandContext context, string detail) =>
        context.Out.Error("Error in user specification.\n" + detail, GenericCode.Illegal);

    private static long? ParseDate(string? text) =>
        DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero).ToUnixTimeSeconds()
            : null;
}
