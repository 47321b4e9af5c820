namespace Spotify.Rx.Wire.Tests; public class SmokeTests { [Fact] public void Builds() { } }
