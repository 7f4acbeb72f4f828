namespace P4Flow.P4Sim.Tests.Security;

/// <summary>How an administrator secures a fresh depot: bob gets a password, logs in and raises the security level.</summary>
internal static class SecuredDepot
{
    public const string Password = "Secret-123";

    public static void SetPassword(SimHarness p4, string password = Password) =>
        SimHarness.Ok(p4.RunWithInput($"{password}\n{password}\n", "passwd"));

    public static P4Result Login(SimHarness p4, string password = Password, params string[] flags) =>
        p4.RunWithInput(password + "\n", ["login", .. flags]);

    /// <summary>bob with a password and a fresh ticket, on a depot at the given security level.</summary>
    public static void Secure(SimHarness p4, int level)
    {
        SetPassword(p4);
        SimHarness.Ok(Login(p4));
        SimHarness.Ok(p4.Run("configure", "set", $"security={level}"));
    }

    public static string TicketsFile(SimHarness p4) => Path.Combine(p4.Folder, ".p4tickets");

    public static Dictionary<string, string> At(long secondsAfterStart) =>
        new() { ["P4SIM_NOW"] = (SimHarness.Now + secondsAfterStart).ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
