using Spotify.Rx.Client.Player;

namespace Spotify.Rx.Client.Tests.Cli;

/// <summary>The stdin protocol's commands and the queue the player keeps, without any node.</summary>
public sealed class PlayerCommandTests
{
    [Theory]
    [InlineData("seek +10", null, 10.0)]
    [InlineData("seek -10", null, -10.0)]
    [InlineData("seek 1:30", 90.0, null)]
    [InlineData("seek 01:05.5", 65.5, null)]
    [InlineData("seek 42", 42.0, null)]
    [InlineData("  SEEK   7.25 ", 7.25, null)]
    public void Seeks_parse_to_a_position_or_a_step(string line, double? to, double? by)
    {
        Assert.True(PlayerCommand.TryParse(line, out var command, out var error), error);
        var seek = Assert.IsType<PlayerCommand.Seek>(command);
        Assert.Equal(to, seek.To?.TotalSeconds);
        Assert.Equal(by, seek.By?.TotalSeconds);
    }

    [Theory]
    [InlineData("seek", "expected +10, -10, MM:SS or SECONDS")]
    [InlineData("seek 1:5", "expected +10, -10, MM:SS or SECONDS")]
    [InlineData("seek 1:75", "expected +10, -10, MM:SS or SECONDS")]
    [InlineData("seek ten", "expected +10, -10, MM:SS or SECONDS")]
    [InlineData("play", "play needs a track id")]
    [InlineData("pause now", "pause takes no argument")]
    [InlineData("dance", "unknown command 'dance'")]
    public void Bad_lines_are_refused_with_the_reason(string line, string reason)
    {
        Assert.False(PlayerCommand.TryParse(line, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Play_and_queue_keep_the_words_they_were_given()
    {
        Assert.True(PlayerCommand.TryParse("play Midnight  Rivers", out var play, out _));
        Assert.Equal(new PlayerCommand.Play("Midnight  Rivers"), play);
        Assert.True(PlayerCommand.TryParse("queue s2010-01-a", out var queue, out _));
        Assert.Equal(new PlayerCommand.Queue("s2010-01-a"), queue);
        Assert.True(PlayerCommand.TryParse("prev", out var prev, out _));
        Assert.IsType<PlayerCommand.Previous>(prev);
    }

    private static TrackChoice T(string id) => new(id, "", "", TimeSpan.FromSeconds(60));

    [Fact]
    public void The_queue_plays_in_order_goes_back_through_its_history_and_plays_a_new_track_next()
    {
        var q = new PlayQueue();
        Assert.Null(q.Current);
        q.Enqueue(T("a"));
        Assert.True(q.MoveNext());
        q.Enqueue(T("b"));
        q.Enqueue(T("c"));
        Assert.Equal(["b", "c"], q.Upcoming.Select(t => t.Id));
        Assert.True(q.MoveNext());
        Assert.Equal("b", q.Current!.Id);
        Assert.True(q.MovePrevious());
        Assert.Equal("a", q.Current!.Id);
        Assert.False(q.MovePrevious());
        Assert.Equal("a", q.Current!.Id);
        q.PlayNow(T("x"));
        Assert.Equal(["a", "x", "b", "c"], q.Items.Select(t => t.Id));
        Assert.Equal("x", q.Current!.Id);
        Assert.True(q.MoveNext());
        Assert.True(q.MoveNext());
        Assert.False(q.MoveNext());
        Assert.Null(q.Current);
        // Played out: a new play goes at the end, prev goes back to the last track.
        q.PlayNow(T("y"));
        Assert.Equal("y", q.Current!.Id);
        Assert.Equal(["a", "x", "b", "c", "y"], q.Items.Select(t => t.Id));
        Assert.False(q.MoveNext());
        Assert.True(q.MovePrevious());
        Assert.Equal("y", q.Current!.Id);
    }
}
