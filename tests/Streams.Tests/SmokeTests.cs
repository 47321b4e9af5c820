namespace Spotify.Rx.Streams.Tests; public class SmokeTests { [Fact] public void Builds() { } }
