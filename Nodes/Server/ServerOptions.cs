using Microsoft.Extensions.Options;
using Spotify.Rx.Playback.Library;

namespace Spotify.Rx.Server;

/// <summary>The main server's settings, section <c>Server</c> (appsettings, <c>Server__X</c> environment, <c>--Server:X</c>).</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>Folder of <c>{id}.opus</c> + <c>{id}.manifest.json</c>. Empty: the sample library, generated on first start.</summary>
    public string? LibraryFolder { get; set; }

    /// <summary>Where the sample library goes when no <see cref="LibraryFolder"/> is given.</summary>
    public string SampleLibraryFolder { get; set; } = "data/library";

    /// <summary>What to generate there (count, seed, lengths): section <c>Server:SampleLibrary</c>.</summary>
    public SampleLibraryOptions SampleLibrary { get; set; } = new();

    /// <summary>The ES256 private key, PKCS#8 PEM, created on first start.</summary>
    public string SigningKeyFile { get; set; } = "data/keys/server-signing.pem";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>User name → password hash as made by <c>hash-password</c> (<see cref="Accounts.PasswordHash"/>).</summary>
    public Dictionary<string, string> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds the documented local account <c>demo</c> / <c>demo</c>. On by default in the Development
    /// environment only (<c>dotnet run</c>); never turn it on where others can reach the server.
    /// </summary>
    public bool DemoAccount { get; set; }

    public const int MaxPageSize = 200;
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>The longest window the time form (<c>?from=&amp;seconds=</c>) serves in one response.</summary>
    public double MaxWindowSeconds { get; set; } = 600;

    /// <summary>
    /// Kestrel's per-connection response buffer. A 15 s part (300 kB) fits whole, so writing it never
    /// waits for the socket to drain half of it first.
    /// </summary>
    public long ResponseBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>SO_SNDBUF of accepted connections; 0 leaves the kernel's autotuning alone.</summary>
    public int SocketSendBufferBytes { get; set; }

    /// <summary>
    /// Runs request handling on the socket's I/O thread instead of hopping to the thread pool
    /// (Kestrel's UnsafePreferInlineScheduling): safe here because no handler blocks.
    /// </summary>
    public bool InlineScheduling { get; set; }

    /// <summary>
    /// Where the sendfile audio endpoint listens (<c>http://127.0.0.1:5081</c>): the same
    /// <c>/tracks/{id}/audio</c> as the Kestrel route, sent with zero copy. Empty: no such endpoint,
    /// and token responses advertise none. The executable turns it on by default (Program.cs).
    /// </summary>
    public string? AudioUrl { get; set; }

    /// <summary>
    /// The audio endpoint's URL as clients on other hosts reach it (<c>http://music.example:5081</c>,
    /// a load balancer's address): told in every token response instead of one derived from
    /// <see cref="AudioUrl"/>. Empty: derived (a wildcard host becomes the host the client reached).
    /// </summary>
    public string? AdvertisedAudioUrl { get; set; }

    /// <summary>How long a connection to the audio endpoint may wait for its next complete request head.</summary>
    public TimeSpan AudioKeepAliveTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Linux: try each response first with direct send(MSG_MORE) + sendfile(2) calls on the socket,
    /// leaving to SendPacketsAsync only what the socket cannot take at once. Off: SendPacketsAsync for all.
    /// </summary>
    public bool AudioSendfileFastPath { get; set; } = true;

    /// <summary>Idle audio files kept open, least recently used closed first (see <c>OpenTrackFiles</c>).</summary>
    public int OpenFiles { get; set; } = 256;

    /// <summary>Full manifests (chunk hashes, seek index) kept parsed for the most recently asked tracks.</summary>
    public int ManifestCache { get; set; } = 256;

    /// <summary>How often the library folder is rescanned for added, removed and changed tracks (the safety net of the watch).</summary>
    public TimeSpan LibraryRescanInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Rescan soon after the folder changes (inotify on Linux). Off on storage that reports no changes (NFS).</summary>
    public bool LibraryWatch { get; set; } = true;

    public string ResolvedLibraryFolder => string.IsNullOrWhiteSpace(LibraryFolder) ? SampleLibraryFolder : LibraryFolder;
    public bool UsesSampleLibrary => string.IsNullOrWhiteSpace(LibraryFolder);
}

/// <summary>Refuses to start with settings that would only fail later, naming each one.</summary>
public sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions o)
    {
        var errors = new List<string>();
        if (o.TokenLifetime <= TimeSpan.Zero || o.TokenLifetime > TimeSpan.FromDays(7))
            errors.Add($"Server:TokenLifetime must be between 0 and 7 days (was {o.TokenLifetime}).");
        if (string.IsNullOrWhiteSpace(o.SigningKeyFile))
            errors.Add("Server:SigningKeyFile must name a file.");
        if (!o.UsesSampleLibrary && !Directory.Exists(o.LibraryFolder))
            errors.Add($"Server:LibraryFolder '{o.LibraryFolder}' does not exist.");
        if (o.UsesSampleLibrary)
        {
            try { o.SampleLibrary.Validate(); }
            catch (ArgumentException e) { errors.Add("Server:SampleLibrary: " + e.Message); }
        }
        if (o.DefaultPageSize is < 1 or > ServerOptions.MaxPageSize)
            errors.Add($"Server:DefaultPageSize must be 1..{ServerOptions.MaxPageSize}.");
        if (!(o.MaxWindowSeconds > 0))
            errors.Add("Server:MaxWindowSeconds must be positive.");
        if (!string.IsNullOrWhiteSpace(o.AudioUrl) && !Audio.AudioEndpointAddress.TryParse(o.AudioUrl, out _, out var why))
            errors.Add($"Server:AudioUrl '{o.AudioUrl}' {why}.");
        if (!string.IsNullOrWhiteSpace(o.AdvertisedAudioUrl) && !Audio.AudioEndpointAddress.TryParse(o.AdvertisedAudioUrl, out _, out var whyNot))
            errors.Add($"Server:AdvertisedAudioUrl '{o.AdvertisedAudioUrl}' {whyNot}.");
        if (o.OpenFiles is < 1 or > 100_000)
            errors.Add("Server:OpenFiles must be 1..100000.");
        if (o.ManifestCache is < 1 or > 1_000_000)
            errors.Add("Server:ManifestCache must be 1..1000000.");
        if (o.LibraryRescanInterval < TimeSpan.FromMilliseconds(10))
            errors.Add("Server:LibraryRescanInterval must be at least 10 ms.");
        if (o.AudioKeepAliveTimeout <= TimeSpan.Zero)
            errors.Add("Server:AudioKeepAliveTimeout must be positive.");
        foreach (var (user, hash) in o.Users)
        {
            if (string.IsNullOrWhiteSpace(user)) errors.Add("Server:Users has an empty user name.");
            else if (!Spotify.Rx.Common.Auth.PeerIds.IsValidAccount(user))
                errors.Add($"Server:Users:{user}: a user name is 1-{Spotify.Rx.Common.Auth.PeerIds.MaxAccountLength} characters of {Spotify.Rx.Common.Auth.PeerIds.CharacterSet} (it prefixes the account's peer ids).");
            else if (!Accounts.PasswordHash.IsWellFormed(hash))
                errors.Add($"Server:Users:{user} is not a password hash (make one with: dotnet run --project Nodes/Server -- hash-password).");
        }
        if (o.Users.Count == 0 && !o.DemoAccount)
            errors.Add("No accounts: configure Server:Users (hash-password), or run in the Development environment, where Server:DemoAccount (demo / demo) is on.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
