using System.Reactive.Linq;
using Spotify.Rx.Marbles;

namespace Spotify.Rx.Streams.Tests.Marbles;

public class MarbleSchedulerTests
{
    private static MarbleScheduler Seconds() => new(TimeSpan.FromSeconds(1));

    [Fact]
    public void A_cold_observable_plays_its_diagram_from_each_subscription()
    {
        var m = Seconds();
        var source = m.Cold<int>("-a-b|", new { a = 1, b = 2 });

        m.ExpectObservable(source, "--^").ToBe("---a-b|", new { a = 1, b = 2 });
        m.ExpectSubscriptions(source.Subscriptions).ToBe("--^---!");
        m.Flush();
    }

    [Fact]
    public void A_hot_observable_emits_from_its_caret_whether_subscribed_or_not()
    {
        var m = Seconds();
        var source = m.Hot<string>("a-^-b-c-d");

        m.ExpectObservable(source, "---^--!").ToBe("----c");
        m.ExpectSubscriptions(source.Subscriptions).ToBe("---^--!");
        m.Flush();
    }

    [Fact]
    public void Values_come_from_a_dictionary_or_an_anonymous_object_with_digits_as_underscores()
    {
        var m = Seconds();
        var letters = m.Cold("a1|", new Dictionary<char, double> { ['a'] = 0.5, ['1'] = 1.5 });
        var named = m.Cold<double>("a1|", new { a = 0.5, _1 = 1.5 });

        m.ExpectObservable(letters.Concat(named)).ToBe("a1a1|", new { a = 0.5, _1 = 1.5 });
        m.Flush();
    }

    [Fact]
    public void A_group_emits_together_and_an_error_carries_the_given_exception()
    {
        var m = Seconds();
        var failure = new InvalidOperationException("peer gone");
        var source = m.Cold<string>("-(ab)-#", error: failure);

        m.ExpectObservable(source).ToBe("-(ab)-#", error: new InvalidOperationException("peer gone"));
        m.Flush();
    }

    [Fact]
    public void Time_progression_moves_virtual_time_by_the_span_written()
    {
        var m = Seconds();
        var source = m.Cold<string>("a 500ms b 2m c|");

        m.ExpectObservable(source.Select(_ => m.Elapsed.Ticks.ToString())).ToBe(
            "a 500ms b 2m c|",
            new { a = "0", b = TimeSpan.FromMilliseconds(1500).Ticks.ToString(), c = TimeSpan.FromSeconds(122.5).Ticks.ToString() });
        m.Flush();
    }

    [Fact]
    public void A_mismatch_prints_expected_and_actual_diagrams_one_above_the_other()
    {
        var m = Seconds();
        m.ExpectObservable(m.Cold<string>("--p---s--p|")).ToBe("--p---s-p|");

        var failure = Assert.Throws<MarbleAssertionException>(m.Flush);

        var lines = failure.Message.Split('\n');
        var expected = Assert.Single(lines, l => l.StartsWith("  expected: "));
        var actual = Assert.Single(lines, l => l.StartsWith("  actual:   "));
        Assert.Equal("  expected: --p---s-p|", expected);
        Assert.Equal("  actual:   --p---s--p|", actual);
        Assert.Contains("frame 8 (8000ms): p = p", failure.Message);
        Assert.Contains("frame 9 (9000ms): p = p", failure.Message);
    }

    [Fact]
    public void A_wrong_value_in_the_right_frame_is_a_mismatch_shown_as_a_question_mark()
    {
        var m = Seconds();
        m.ExpectObservable(m.Cold<int>("-a", new { a = 7 })).ToBe("-a", new { a = 8 });

        var failure = Assert.Throws<MarbleAssertionException>(m.Flush);

        Assert.Contains("  actual:   -?", failure.Message);
        Assert.Contains("? = 7", failure.Message);
    }

    [Fact]
    public void A_subscription_mismatch_prints_both_subscription_diagrams()
    {
        var m = Seconds();
        var source = m.Hot<string>("^-a-b");
        m.ExpectObservable(source, "^--!").ToBe("--a");
        m.ExpectSubscriptions(source.Subscriptions).ToBe("^---!");

        var failure = Assert.Throws<MarbleAssertionException>(m.Flush);

        Assert.Contains("  expected: ^---!\n  actual:   ^--!", failure.Message);
    }

    [Fact]
    public void Every_failed_expectation_is_reported_by_one_flush()
    {
        var m = Seconds();
        m.ExpectObservable(m.Cold<string>("a|")).ToBe("b|");
        m.ExpectObservable(m.Cold<string>("c|")).ToBe("-c|");

        var failure = Assert.Throws<MarbleAssertionException>(m.Flush);

        Assert.Equal(2, failure.Message.Split("did not emit").Length - 1);
    }

    [Fact]
    public void A_letter_missing_from_the_value_map_is_refused_naming_the_column()
    {
        var m = Seconds();

        var error = Assert.Throws<MarbleDiagramException>(() => m.Cold<double>("-a-b", new { a = 1.0 }));

        Assert.Equal(4, error.Column);
        Assert.Contains("no value for 'b'", error.Message);
    }
}
