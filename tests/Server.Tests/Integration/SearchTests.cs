using System.Net;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary><c>GET /tracks?q=TEXT</c> against the real server over a library of 30 tracks ("Song N" by "Band N%5").</summary>
public sealed class SearchTests : IAsyncLifetime
{
    private LibraryServer _server = null!;

    public async Task InitializeAsync() => _server = await LibraryServer.StartAsync(folder => CatalogueLibrary.MakeAsync(folder, 30));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_query_finds_the_tracks_whose_title_contains_it_whatever_the_case()
    {
        var page = await _server.PageAsync("q=sOnG%202");
        // "Song 2", "Song 20".."Song 29"
        Assert.Equal(11, page.Total);
        Assert.Equal(["t-002", .. Enumerable.Range(20, 10).Select(i => $"t-{i:D3}")], page.Items.Select(t => t.Id));
        Assert.All(page.Items, t => Assert.Contains("Song 2", t.Title));
    }

    [Fact]
    public async Task A_query_finds_the_tracks_whose_artist_contains_it()
    {
        var page = await _server.PageAsync("q=band%203");
        Assert.Equal(6, page.Total);
        Assert.All(page.Items, t => Assert.Equal("Band 3", t.Artist));
        Assert.Equal([3, 8, 13, 18, 23, 28], page.Items.Select(t => int.Parse(t.Id[2..])));
    }

    [Fact]
    public async Task Search_results_are_paged_like_the_listing()
    {
        var first = await _server.PageAsync("q=band&pageSize=12&page=1");
        var second = await _server.PageAsync("q=band&pageSize=12&page=2");
        var third = await _server.PageAsync("q=band&pageSize=12&page=3");
        var beyond = await _server.PageAsync("q=band&pageSize=12&page=4");
        Assert.Equal((1, 12, 30), (first.Page, first.PageSize, first.Total));
        Assert.Equal(30, beyond.Total);
        Assert.Empty(beyond.Items);
        var all = first.Items.Concat(second.Items).Concat(third.Items).Select(t => t.Id).ToArray();
        Assert.Equal((await _server.PageAsync("pageSize=30")).Items.Select(t => t.Id), all);
    }

    [Fact]
    public async Task A_query_that_matches_nothing_gets_an_empty_page()
    {
        var page = await _server.PageAsync("q=no%20such%20words");
        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
    }

    [Theory]
    [InlineData("q=")]
    [InlineData("q=%20%20")]
    [InlineData("q=a&q=b")]
    public async Task An_empty_or_repeated_query_gets_400_with_a_reason(string query)
    {
        using var http = _server.Client();
        var response = await http.GetAsync("/tracks?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("q must", await Http.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task A_query_longer_than_the_limit_gets_400()
    {
        using var http = _server.Client();
        var response = await http.GetAsync("/tracks?q=" + new string('a', Tracks.TrackEndpoints.MaxQueryLength + 1));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("q must", await Http.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task Search_needs_a_token()
    {
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        var response = await http.GetAsync("/tracks?q=song");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
