namespace Spotify.Rx.Tracker.Tests; public class SmokeTests { [Fact] public void Builds() { } }
