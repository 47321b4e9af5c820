using Spotify.Rx.Common.Auth;

namespace Spotify.Rx.Server.Tests.Units;

public sealed class SigningKeyTests
{
    /// <summary>
    /// Three servers creating the key file at the same moment, many times over: each must end up with
    /// the key that is on disk (before the lock file, about 1 in 150 such races left one server
    /// signing with a key nobody else could check).
    /// </summary>
    [Fact]
    public async Task Servers_creating_the_key_at_once_all_hold_the_one_on_disk()
    {
        var root = Path.Combine(Path.GetTempPath(), "spotify-rx-keyrace-" + Guid.NewGuid().ToString("N"));
        try
        {
            for (var round = 0; round < 200; round++)
            {
                var path = Path.Combine(root, round.ToString(System.Globalization.CultureInfo.InvariantCulture), "keys", "server-signing.pem");
                using var together = new Barrier(3);
                var ids = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
                {
                    together.SignalAndWait();
                    return SigningKey.LoadOrCreate(path).KeyId;
                })));
                var onDisk = SigningKey.LoadOrCreate(path).KeyId;
                Assert.All(ids, id => Assert.Equal(onDisk, id));
            }
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
