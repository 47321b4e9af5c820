using System.Globalization;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// The main server's own count of audio bytes it wrote to responses (its <c>/metrics</c>), read at
/// moments of a run: the server's load as the server saw it, which includes what the clients'
/// shares leave out (a copy dropped because a peer's landed first, a part cut short by a skip).
/// </summary>
public sealed class ServerCounter(Uri serverUrl) : IDisposable
{
    public const string AudioBytesMetric = "spotify_rx_server_audio_bytes_total";
    private readonly HttpClient _http = new() { BaseAddress = serverUrl, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The count now, or null when the server does not answer (the report then says nothing of it).</summary>
    public async Task<long?> AudioBytesAsync(CancellationToken ct)
    {
        try
        {
            return Parse(await _http.GetStringAsync("/metrics", ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The counter's value in a Prometheus text exposition, or null without it.</summary>
    public static long? Parse(string exposition)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(AudioBytesMetric + " ", StringComparison.Ordinal)) continue;
            var value = line[(AudioBytesMetric.Length + 1)..].Trim().Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes)) return (long)bytes;
        }
        return null;
    }

    public void Dispose() => _http.Dispose();
}
