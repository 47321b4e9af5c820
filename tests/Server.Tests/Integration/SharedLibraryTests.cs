using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Server.Tracks;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>Several servers on one library folder and one signing key file (shared storage): interchangeable.</summary>
public sealed class SharedLibraryTests
{
    [Fact]
    public async Task Servers_started_at_once_on_one_folder_share_the_key_accept_each_others_tokens_and_see_the_same_tracks()
    {
        var root = Path.Combine(Path.GetTempPath(), "spotify-rx-shared-" + Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(root, "library");
        var servers = new List<WebApplication>();
        try
        {
            await CatalogueLibrary.MakeAsync(folder, 6);
            // No key file yet: all three create one at the same moment, and must end up with the same.
            var settings = ServerFixture.Settings(folder, Path.Combine(root, "keys", "server-signing.pem"));
            var started = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => ServerFixture.StartAsync(new(settings)))));
            servers.AddRange(started.Select(s => s.App));
            var addresses = started.Select(s => s.BaseAddress).ToArray();

            string token;
            using (var login = new HttpClient { BaseAddress = addresses[0] })
            {
                var response = await login.PostAsJsonAsync("/auth/token", new TokenRequest(ServerFixture.User, ServerFixture.Password, "peer-shared"));
                response.EnsureSuccessStatusCode();
                token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!.Token;
            }

            var expected = File.ReadAllBytes(Path.Combine(folder, "t-004.opus"));
            var listings = new List<string[]>();
            foreach (var address in addresses)
            {
                using var http = new HttpClient { BaseAddress = address };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                listings.Add((await http.GetFromJsonAsync<TrackPage>("/tracks"))!.Items.Select(t => t.Id).ToArray());
                Assert.Equal(expected, await http.GetByteArrayAsync("/tracks/t-004/audio"));
            }
            Assert.All(listings, ids => Assert.Equal(listings[0], ids));

            // A track imported once into the shared folder appears on every server.
            var stores = servers.Select(s => s.Services.GetRequiredService<TrackStore>()).ToArray();
            var seen = stores.Select(store =>
            {
                var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                store.Rescanned += _ => { if (store.Find("shared-new") is not null) tcs.TrySetResult(); };
                return tcs.Task;
            }).ToArray();
            await CatalogueLibrary.AddAsync(folder, "shared-new", "Shared", "Everyone");
            await Task.WhenAll(seen).WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            foreach (var app in servers)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
