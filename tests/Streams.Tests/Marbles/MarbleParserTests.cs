using Spotify.Rx.Marbles;

namespace Spotify.Rx.Streams.Tests.Marbles;

public class MarbleParserTests
{
    private static readonly long Frame = TimeSpan.TicksPerSecond;

    private static long F(double frames) => (long)(frames * Frame);

    private static IReadOnlyList<MarbleEvent> Parse(string diagram, DiagramRole role = DiagramRole.Cold) =>
        MarbleParser.Parse(diagram, Frame, role).Events;

    private static MarbleDiagramException Malformed(string diagram, DiagramRole role = DiagramRole.Cold) =>
        Assert.Throws<MarbleDiagramException>(() => MarbleParser.Parse(diagram, Frame, role));

    [Fact]
    public void A_dash_is_one_frame_and_a_letter_is_a_value_in_its_frame()
    {
        var events = Parse("--a-b");

        Assert.Equal([new MarbleEvent(F(2), MarbleKind.Next, 'a', 3), new MarbleEvent(F(4), MarbleKind.Next, 'b', 5)], events);
    }

    [Fact]
    public void A_value_takes_a_frame_of_its_own()
    {
        var events = Parse("ab");

        Assert.Equal([F(0), F(1)], events.Select(e => e.Ticks));
    }

    [Fact]
    public void Digits_are_values_too()
    {
        var events = Parse("0-9");

        Assert.Equal(['0', '9'], events.Select(e => e.Symbol));
        Assert.All(events, e => Assert.Equal(MarbleKind.Next, e.Kind));
    }

    [Fact]
    public void A_bar_completes_and_a_hash_fails()
    {
        Assert.Equal(new MarbleEvent(F(2), MarbleKind.Completed, '|', 3), Parse("a-|").Last());
        Assert.Equal(new MarbleEvent(F(1), MarbleKind.Error, '#', 2), Parse("-#").Single());
    }

    [Fact]
    public void Spaces_only_align_and_take_no_time()
    {
        Assert.Equal(Parse("--a-b|"), Parse("  --a-b|").Select(e => e with { Column = e.Column - 2 }));
        Assert.Equal([F(1), F(2)], Parse("- a b").Select(e => e.Ticks));
    }

    [Fact]
    public void A_group_puts_its_events_in_one_frame_and_then_advances_time_by_its_length()
    {
        var events = Parse("-(ab)c(d|)");

        Assert.Equal([F(1), F(1), F(5), F(6), F(6)], events.Select(e => e.Ticks));
        Assert.Equal(['a', 'b', 'c', 'd', '|'], events.Select(e => e.Symbol));
    }

    [Theory]
    [InlineData("10s a", 10)]
    [InlineData("500ms a", 0.5)]
    [InlineData("2m a", 120)]
    [InlineData("1.5s a", 1.5)]
    [InlineData("a 3s b", 4)]
    [InlineData("- 10s", -1)]
    public void A_time_progression_lets_that_much_time_pass(string diagram, double secondsOfLastValue)
    {
        var events = Parse(diagram);

        if (secondsOfLastValue < 0)
        {
            Assert.Empty(events);
        }
        else
        {
            Assert.Equal(TimeSpan.FromSeconds(secondsOfLastValue).Ticks, events.Last().Ticks);
        }
    }

    [Fact]
    public void Ten_seconds_and_ten_dashes_are_the_same_time_with_one_second_frames()
    {
        Assert.Equal(Parse("----------a").Single().Ticks, Parse("10s a").Single().Ticks);
    }

    [Fact]
    public void Digits_not_set_apart_by_spaces_are_values_not_time()
    {
        Assert.Equal(['1', '0', 's'], Parse("-10s").Select(e => e.Symbol));
        Assert.Equal(['2', 'm', 's'], Parse("2msa").Select(e => e.Symbol).Take(3));
    }

    [Fact]
    public void The_caret_of_a_hot_diagram_is_time_zero()
    {
        var events = Parse("a-^-b", DiagramRole.Hot);

        Assert.Equal([F(-2), F(2)], events.Select(e => e.Ticks));
    }

    [Fact]
    public void A_hot_diagram_without_a_caret_starts_at_its_first_character()
    {
        Assert.Equal(F(1), Parse("-a", DiagramRole.Hot).Single().Ticks);
    }

    [Fact]
    public void A_subscription_diagram_gives_the_frames_of_subscribe_and_unsubscribe()
    {
        Assert.Equal(new SubscriptionFrames(F(1), F(5)), MarbleParser.ParseSubscription("-^---!", Frame));
        Assert.Equal(new SubscriptionFrames(F(0), SubscriptionFrames.Never), MarbleParser.ParseSubscription("^--", Frame));
        Assert.Equal(new SubscriptionFrames(F(2), F(2)), MarbleParser.ParseSubscription("--(^!)", Frame));
        Assert.Equal(new SubscriptionFrames(F(0), F(31)), MarbleParser.ParseSubscription("^ 30s !", Frame));
    }

    [Theory]
    [InlineData("--(ab", 3, "'(' is never closed")]
    [InlineData("--ab)", 5, "')' closes no group")]
    [InlineData("-(a(b))", 4, "a group cannot open inside the group opened at column 2")]
    [InlineData("-()", 3, "an empty group")]
    [InlineData("-a-B", 4, "unknown token 'B'")]
    [InlineData("-a*", 3, "unknown token '*'")]
    [InlineData("-a!", 3, "'!' belongs in a subscription diagram")]
    [InlineData("-|-a", 4, "'a' comes after the sequence ended at column 2")]
    [InlineData("(a 5s b)", 4, "a time progression cannot stand inside a group")]
    public void A_malformed_diagram_is_refused_naming_the_column(string diagram, int column, string problem)
    {
        var error = Malformed(diagram);

        Assert.Equal(column, error.Column);
        Assert.Contains(problem, error.Message);
        Assert.Contains($"(column {column})", error.Message);
    }

    [Fact]
    public void Two_carets_are_refused_naming_both_columns()
    {
        var error = Malformed("-^-^-a", DiagramRole.Hot);

        Assert.Equal(4, error.Column);
        Assert.Contains("a second '^' (the first is at column 2)", error.Message);
    }

    [Theory]
    [InlineData(DiagramRole.Cold)]
    [InlineData(DiagramRole.Expected)]
    public void A_caret_is_refused_outside_a_hot_diagram(DiagramRole role)
    {
        Assert.Equal(2, Malformed("-^a", role).Column);
    }

    [Fact]
    public void The_error_message_points_at_the_column_under_the_diagram()
    {
        var error = Malformed("--a)");

        Assert.EndsWith("  --a)\n     ^", error.Message);
    }

    [Theory]
    [InlineData("^--!-!", 6, "a second '!'")]
    [InlineData("--!", 3, "'!' before any '^'")]
    [InlineData("^-^", 3, "a second '^'")]
    [InlineData("^-a!", 3, "unknown token 'a'")]
    [InlineData("(^-!", 1, "'(' is never closed")]
    [InlineData("----", 4, "needs a '^'")]
    public void A_malformed_subscription_diagram_is_refused_naming_the_column(string diagram, int column, string problem)
    {
        var error = Assert.Throws<MarbleDiagramException>(() => MarbleParser.ParseSubscription(diagram, Frame));

        Assert.Equal(column, error.Column);
        Assert.Contains(problem, error.Message);
    }
}
