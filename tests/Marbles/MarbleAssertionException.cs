namespace Spotify.Rx.Marbles;

/// <summary>Thrown by <see cref="MarbleScheduler.Flush"/> when an expectation does not hold.</summary>
public sealed class MarbleAssertionException(string message) : Exception(message);
