namespace Spotify.Rx.Marbles; internal static class Placeholder { }
