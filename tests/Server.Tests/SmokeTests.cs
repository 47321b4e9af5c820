namespace Spotify.Rx.Server.Tests; public class SmokeTests { [Fact] public void Builds() { } }
