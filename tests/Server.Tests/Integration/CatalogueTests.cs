using System.Net;
using System.Net.Http.Json;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public class CatalogueTests(ServerFixture server)
{
    [Fact]
    public async Task Pages_of_the_catalogue_list_every_track_once_in_id_order()
    {
        using var http = server.Authorized();
        var first = (await http.GetFromJsonAsync<TrackPage>("/tracks?page=1&pageSize=2"))!;
        var second = (await http.GetFromJsonAsync<TrackPage>("/tracks?page=2&pageSize=2"))!;
        var beyond = (await http.GetFromJsonAsync<TrackPage>("/tracks?page=3&pageSize=2"))!;

        Assert.Equal((1, 2, 3), (first.Page, first.PageSize, first.Total));
        Assert.Equal(ServerFixture.TrackIds, first.Items.Concat(second.Items).Select(t => t.Id));
        Assert.Empty(beyond.Items);
        Assert.Equal(3, beyond.Total);
    }

    [Fact]
    public async Task A_catalogue_entry_gives_title_artist_duration_and_length_from_the_manifest()
    {
        using var http = server.Authorized();
        var page = (await http.GetFromJsonAsync<TrackPage>("/tracks"))!;
        var entry = page.Items.Single(t => t.Id == "borealis-2");
        var manifest = server.ManifestFile("borealis-2");
        Assert.Equal(new TrackSummary(manifest.Id, manifest.Title, manifest.Artist, manifest.Duration.TotalSeconds, manifest.ByteLength), entry);
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("page=-1")]
    [InlineData("page=x")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=201")]
    [InlineData("pageSize=1.5")]
    public async Task A_page_or_page_size_out_of_bounds_gets_400_with_a_reason(string query)
    {
        using var http = server.Authorized();
        var response = await http.GetAsync("/tracks?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(query.Split('=')[0], await Http.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task A_track_manifest_is_the_one_in_the_library()
    {
        using var http = server.Authorized();
        var json = await http.GetStringAsync("/tracks/cirrus-3");
        var served = ManifestJson.Deserialize(json);
        var stored = server.ManifestFile("cirrus-3");
        Assert.Equal(stored.ChunkHashes, served.ChunkHashes);
        Assert.Equal(stored.Pages, served.Pages);
        Assert.Equal(stored with { ChunkHashes = served.ChunkHashes, Pages = served.Pages }, served);
    }

    [Fact]
    public async Task An_unknown_track_gets_404_with_a_reason()
    {
        using var http = server.Authorized();
        foreach (var path in new[] { "/tracks/no-such-track", "/tracks/no-such-track/audio" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("no track 'no-such-track'", await Http.ProblemDetailAsync(response));
        }
    }
}
