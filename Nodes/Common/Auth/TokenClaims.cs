namespace Spotify.Rx.Common.Auth;

/// <summary>Names shared by the issuer and every validator.</summary>
public static class TokenClaims
{
    public const string Issuer = "spotify-rx";
    public const string Audience = "spotify-rx";
    /// <summary>The client's peer id: what it may register with the tracker and present in HELLO.</summary>
    public const string PeerId = "peer";

    /// <summary>Peer ids are short, url-safe, and never a path (<see cref="PeerIds"/>).</summary>
    public static bool IsValidPeerId(string id) => PeerIds.IsValid(id);
}

/// <summary>Who a valid token speaks for.</summary>
public sealed record PeerIdentity(string User, string PeerId, DateTimeOffset Expires);
