using Flurl.Http;
using Spotify.Rx.Client.Http;

namespace Spotify.Rx.Client.Player;

/// <summary>
/// Finds the track a user means: an exact track id, else words of a title or an artist. The server's
/// search (<c>GET /tracks?q=TEXT</c>) is asked; every page is also filtered here, so a server that
/// does not search (it then ignores <c>q</c> and lists everything) gives the same answer, only after
/// reading more pages.
/// </summary>
public sealed class Catalogue(ServerClient server)
{
    private const int PageSize = 100;
    private const int MaxPages = 100;

    /// <summary>The track, and how many tracks matched (1 for an id); null when nothing matches.</summary>
    public async Task<(TrackChoice Track, int Matches)?> FindAsync(string query, CancellationToken ct)
    {
        var text = query.Trim();
        if (!text.Any(char.IsWhiteSpace))
        {
            try
            {
                var manifest = await server.ManifestAsync(text, ct);
                return (new TrackChoice(manifest.Id, manifest.Title, manifest.Artist, manifest.Duration), 1);
            }
            catch (FlurlHttpException e) when (e.StatusCode is >= 400 and < 500)
            {
                // Not a track id: search it as words.
            }
        }
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var page = 1; page <= MaxPages; page++)
        {
            var listing = await server.TracksAsync(page, PageSize, ct, text);
            var matches = listing.Items
                .Where(t => words.All(w => t.Title.Contains(w, StringComparison.OrdinalIgnoreCase) || t.Artist.Contains(w, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            if (matches.Count > 0)
            {
                var best = matches.FirstOrDefault(t => string.Equals(t.Title, text, StringComparison.OrdinalIgnoreCase)) ?? matches[0];
                return (new TrackChoice(best.Id, best.Title, best.Artist, TimeSpan.FromSeconds(best.DurationSeconds)), matches.Count);
            }
            if ((long)page * listing.PageSize >= listing.Total || listing.Items.Count == 0) break;
        }
        return null;
    }
}
