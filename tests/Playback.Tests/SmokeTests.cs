namespace Spotify.Rx.Playback.Tests; public class SmokeTests { [Fact] public void Builds() { } }
