namespace Spotify.Rx.Client.Player;

/// <summary>
/// The player's queue: the tracks in play order with the one playing now. What came before the
/// current track is the history <c>prev</c> goes back through; <c>play</c> puts a track right after
/// the current one and moves there, <c>queue</c> adds one at the end. No I/O, no clock: the
/// <see cref="Player"/> carries out what it says.
/// </summary>
public sealed class PlayQueue
{
    private readonly List<TrackChoice> _items = new();

    /// <summary>The current track's place, or -1 before the first play.</summary>
    public int Index { get; private set; } = -1;

    public IReadOnlyList<TrackChoice> Items => _items;

    public TrackChoice? Current => Index >= 0 && Index < _items.Count ? _items[Index] : null;

    /// <summary>The tracks after the current one, in order.</summary>
    public IReadOnlyList<TrackChoice> Upcoming => _items.Skip(Index + 1).ToList();

    /// <summary>Inserts <paramref name="track"/> after the current track and makes it current.</summary>
    public void PlayNow(TrackChoice track)
    {
        // After the queue ran out the index stands past the last track: the new one goes at the end.
        Index = Math.Min(Index + 1, _items.Count);
        _items.Insert(Index, track);
    }

    /// <summary>Appends <paramref name="track"/> at the end of the queue.</summary>
    public void Enqueue(TrackChoice track) => _items.Add(track);

    /// <summary>Moves to the next track; false at the end of the queue (the index then stands after the last track).</summary>
    public bool MoveNext()
    {
        if (Index >= _items.Count) return false;
        Index++;
        return Index < _items.Count;
    }

    /// <summary>Moves to the track before; false (and stays) at the first one.</summary>
    public bool MovePrevious()
    {
        if (Index <= 0) return false;
        Index = Math.Min(Index, _items.Count) - 1;
        return true;
    }
}

/// <summary>A track as the user chose it: its id, and its title and artist when the catalogue named them.</summary>
public sealed record TrackChoice(string Id, string Title, string Artist, TimeSpan Duration)
{
    public override string ToString() => Title.Length == 0 ? Id : $"{Id} \"{Title}\" by {Artist}";
}
