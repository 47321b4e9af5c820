using System.Text.RegularExpressions;

namespace Spotify.Rx.Common.Auth;

/// <summary>
/// Peer ids belong to accounts by construction: the main server signs only <c>account.device</c>,
/// where <c>account</c> is the caller's own user name. Anyone can tell whose a peer id is from the
/// id itself, so several servers sharing a signing key need no shared table of who owns what.
/// Both parts are <c>[A-Za-z0-9_-]</c>, the whole at most 64 characters: safe in a URL path, a
/// Redis key, a log line and a HELLO.
/// </summary>
public static partial class PeerIds
{
    public const int MaxLength = 64;
    public const int MaxAccountLength = 32;
    public const string CharacterSet = "A-Z a-z 0-9 _ -";
    public const char Separator = '.';

    /// <summary>What validators accept: one or two dot-separated parts of the character set, at most 64 characters.</summary>
    public static bool IsValid(string? id) => id is { Length: > 0 and <= MaxLength } && PeerIdPattern().IsMatch(id);

    /// <summary>A user name that can own peer ids.</summary>
    public static bool IsValidAccount(string? user) => user is { Length: > 0 and <= MaxAccountLength } && PartPattern().IsMatch(user);

    /// <summary>The account a peer id belongs to, or null for an id that names none.</summary>
    public static string? AccountOf(string id)
    {
        var dot = id.IndexOf(Separator);
        return dot > 0 && IsValid(id) ? id[..dot] : null;
    }

    public static bool BelongsTo(string id, string user) => AccountOf(id) == user;

    /// <summary>
    /// The peer id the server signs for <paramref name="user"/> asking for <paramref name="requested"/>:
    /// a bare device name is put under the account (<c>laptop</c> → <c>alice.laptop</c>), an id that already
    /// names the account stays as it is; anything else is refused with the reason.
    /// </summary>
    public static (string? PeerId, string? Refusal) Issue(string user, string? requested)
    {
        if (!IsValidAccount(user))
            return (null, $"account '{user}' cannot own peer ids: user names are 1-{MaxAccountLength} characters of {CharacterSet}");
        if (string.IsNullOrEmpty(requested) || requested.Length > MaxLength || !PeerIdPattern().IsMatch(requested))
            return (null, $"peerId must be a device name or '{user}.device', each part of {CharacterSet}, at most {MaxLength} characters in all");
        var owner = AccountOf(requested);
        if (owner is null)
        {
            var scoped = user + Separator + requested;
            return scoped.Length <= MaxLength
                ? (scoped, null)
                : (null, $"peerId '{requested}' is too long: '{user}.{requested}' is over {MaxLength} characters");
        }
        return owner == user ? (requested, null) : (null, $"peer id '{requested}' belongs to account '{owner}'");
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex PeerIdPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex PartPattern();
}
