using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Spotify.Rx.Streams.Decisions;

namespace Spotify.Rx.Streams.Rules;

/// <summary>
/// Rule 5, underrun pause: on a buffer underrun playback pauses at that exact position and
/// resumes from there once data is buffered again. Every pause is counted and reported.
/// </summary>
public static class UnderrunPause
{
    private sealed record State(Pause? Paused, DateTimeOffset PausedSince, int Pauses, PlaybackCommand? Command);

    /// <summary>
    /// <see cref="Pause"/> when the level reaches zero while the player plays a track it has not
    /// wholly buffered, at the position the player reported last (the player reports its position
    /// with each level, so that is where the data ran out); <see cref="Resume"/> from that same
    /// position once at least one packet is buffered again, with how long the stall lasted by
    /// <paramref name="scheduler"/>'s clock. Pauses are numbered from 1 for the subscription's
    /// life. A pause ends without a resume when the player moves to another track.
    /// </summary>
    public static IObservable<PlaybackCommand> Source(IObservable<PlaybackPosition> position, IObservable<BufferLevel> level, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(scheduler);
        return position
            .CombineLatest(level, (p, l) => (Position: p, Level: l))
            .Scan(new State(null, default, 0, null), (state, now) => Step(state, now.Position, now.Level, scheduler.Now))
            .Select(state => state.Command)
            .Where(command => command is not null)
            .Select(command => command!);
    }

    private static State Step(State state, PlaybackPosition position, BufferLevel level, DateTimeOffset now)
    {
        if (state.Paused is { } paused)
        {
            if (paused.TrackId != position.TrackId)
            {
                return state with { Paused = null, Command = null };
            }

            return level.TrackComplete || level.Ahead >= AudioTime.Packet
                ? state with { Paused = null, Command = new Resume(paused.TrackId, paused.At, now - state.PausedSince) }
                : state with { Command = null };
        }

        if (position.State == PlayerState.Playing && !level.TrackComplete && level.Ahead <= TimeSpan.Zero)
        {
            var pause = new Pause(position.TrackId, position.Position, state.Pauses + 1);
            return new State(pause, now, pause.Number, pause);
        }

        return state with { Command = null };
    }
}
