using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Tests;

public class SwarmSettingsTests
{
    [Fact]
    public void The_reported_command_repeats_the_run_with_every_setting_that_shapes_it()
    {
        var settings = new SwarmSettings { Clients = 50, Duration = TimeSpan.FromSeconds(90), Speed = 2.5, Tracks = 30, ZipfExponent = 0.8, Cache = CacheChoice.Lru, Seed = 7 };

        Assert.Equal("dotnet run --project tools/Swarm -- --clients 50 --duration 90 --speed 2.5 --tracks 30 --zipf 0.8 --cache lru --seed 7", settings.Command);
    }

    [Fact]
    public void A_swarm_without_clients_is_refused_before_anything_starts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SwarmSettings { Clients = 0 }.Validate());
    }
}

public class PaperCatalogueSettingsTests
{
    [Fact]
    public void The_paper_catalogue_has_its_own_size_folder_and_command_line()
    {
        var settings = new SwarmSettings { Catalogue = CatalogueChoice.Paper, Warmup = TimeSpan.FromSeconds(20) };

        Assert.Equal(120, settings.TrackCount);
        Assert.Equal(Path.Combine("data", "swarm-catalogue"), settings.LibraryFolder);
        Assert.EndsWith("--tracks 120 --zipf 1 --cache ttl30 --seed 1 --catalogue paper --warmup 20", settings.Command);
        Assert.Throws<ArgumentOutOfRangeException>(() => (settings with { Warmup = settings.Duration }).Validate());
    }
}
