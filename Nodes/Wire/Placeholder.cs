namespace Spotify.Rx.Wire; internal static class Placeholder { }
