using P4Flow.P4Sim.Commands;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Security;

internal enum TrustState
{
    Trusted,
    Unknown,
    Mismatch,
}

/// <summary>The p4 client's check of an SSL server's key against the trust file, made before every command on an ssl: port.</summary>
internal static class TrustCheck
{
    /// <summary>
    /// p4's Rpc::CheckKnownHost: the trusted fingerprint must match; a matching replacement fingerprint
    /// (p4 trust -r) becomes the trusted one on the way.
    /// </summary>
    public static TrustState Check(ServerAddress address, string fingerprint, CredentialFile trust)
    {
        var trusted = trust.Get(address.FileKey, CredentialFile.TrustMarker);
        if (trusted == fingerprint)
        {
            return TrustState.Trusted;
        }

        if (trust.Get(address.FileKey, CredentialFile.ReplacementMarker) == fingerprint)
        {
            trust.Put(address.FileKey, CredentialFile.TrustMarker, fingerprint);
            trust.Remove(address.FileKey, CredentialFile.ReplacementMarker);
            return TrustState.Trusted;
        }

        return trusted is null ? TrustState.Unknown : TrustState.Mismatch;
    }

    /// <summary>False, after printing p4's refusal, when the server's key is not the one the trust file holds.</summary>
    public static bool Allows(CommandContext context)
    {
        var fingerprint = SslKey.Of(context.State, out var created);
        if (created)
        {
            context.MarkDirty();
        }

        var state = Check(context.Address, fingerprint, new CredentialFile(context.Settings.TrustFile));
        if (state != TrustState.Trusted)
        {
            context.Out.Error(Refusal(state, context.Address, fingerprint), GenericCode.Comm);
        }

        return state == TrustState.Trusted;
    }

    public static string Refusal(TrustState state, ServerAddress address, string fingerprint) =>
        state == TrustState.Mismatch
            ? SecurityMessages.HostKeyMismatch(address.Peer, fingerprint)
            : SecurityMessages.HostKeyUnknown(address.Peer, fingerprint);
}
