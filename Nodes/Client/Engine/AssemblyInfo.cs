using System.Runtime.CompilerServices;

// The engine's tests run a whole client on virtual time over in-memory transports.
[assembly: InternalsVisibleTo("Spotify.Rx.Client.Tests")]
