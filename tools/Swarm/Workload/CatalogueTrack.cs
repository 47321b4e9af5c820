namespace Spotify.Rx.Swarm.Workload;

/// <summary>A track the workload may choose: its id and how long it plays.</summary>
public sealed record CatalogueTrack(string TrackId, TimeSpan Duration);
