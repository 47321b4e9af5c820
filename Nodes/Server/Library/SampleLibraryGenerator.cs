using Spotify.Rx.Playback.Library;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Library;

/// <summary>
/// Generates the sample library (Playback's deterministic generator) when it is not whole yet, logging
/// each track at every quarter so a first start that takes minutes shows that it is working.
/// </summary>
public static class SampleLibraryGenerator
{
    public static async Task EnsureAsync(string folder, SampleLibraryOptions options, ILogger log, CancellationToken ct)
    {
        var plans = SampleLibrary.Plan(options);
        int missing = plans.Count(p => !LibraryFolder.IsComplete(folder, p.Id));
        if (missing == 0) return;
        log.LogInformation("Generating the sample library: {Missing} of {Total} tracks into {Folder} (first start only)", missing, plans.Count, folder);
        await SampleLibrary.EnsureAsync(folder, options, new QuarterLog(log), ct);
        log.LogInformation("Sample library ready in {Folder}", folder);
    }

    private sealed class QuarterLog(ILogger log) : IProgress<SampleLibraryProgress>
    {
        private readonly Dictionary<string, int> _quarters = new();

        public void Report(SampleLibraryProgress p)
        {
            if (p.Reused) return;
            int quarter = (int)Math.Floor(p.Fraction * 4);
            lock (_quarters)
            {
                if (_quarters.TryGetValue(p.TrackId, out var last) && last >= quarter) return;
                _quarters[p.TrackId] = quarter;
            }
            if (quarter > 0)
                log.LogInformation("  [{Index}/{Total}] {Title} ({Id}) {Percent}%", p.Index + 1, p.Total, p.Title, p.TrackId, quarter * 25);
        }
    }
}
