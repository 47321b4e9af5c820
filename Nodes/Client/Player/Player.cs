using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Threading.Channels;
using Spotify.Rx.Client.Http;

namespace Spotify.Rx.Client.Player;

/// <summary>
/// The interactive player over one <see cref="ClientNode"/>: a <see cref="PlayQueue"/> carried out
/// through the node's public surface only. A run is one <see cref="ClientNode.PlayAsync"/> over the
/// current track and the ones after it (so rule 7 prefetches the next); a seek, <c>next</c>,
/// <c>prev</c> or <c>play</c> cancels the run and starts another at the new place (a seek is a
/// random access: rule 1 applies). Everything that changes the player's state runs one at a time
/// on its mailbox, in the order it happened: commands, tracks ending, runs finishing.
/// </summary>
public sealed class Player : IAsyncDisposable
{
    private readonly ClientNode _client;
    private readonly Catalogue _catalogue;
    private readonly PlayQueue _queue = new();
    private readonly Channel<Func<Task>> _mailbox = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Subject<PlayerNotice> _notices = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private Run? _run;
    private int _generation;
    private bool _paused;
    // Where the current track of the run started: the run's start for its first track, 0 for the ones after.
    private TimeSpan _currentStartAt;

    private sealed record Run(int Generation, CancellationTokenSource Cancel, Task Task, int LastIndex);

    public Player(ClientNode client, Catalogue catalogue)
    {
        _client = client;
        _catalogue = catalogue;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>What the player did by itself: a track started, the queue ran out, a play failed.</summary>
    public IObservable<PlayerNotice> Notices => _notices.AsObservable();

    /// <summary>Carries out <paramref name="command"/> and answers it (<see cref="PlayerCommand.Quit"/> is the caller's).</summary>
    public async Task<PlayerAnswer> ExecuteAsync(PlayerCommand command, CancellationToken ct = default)
    {
        switch (command)
        {
            case PlayerCommand.Play or PlayerCommand.Queue:
                // The catalogue is asked outside the mailbox: a slow search holds up no pause or seek.
                var query = command is PlayerCommand.Play p ? p.Query : ((PlayerCommand.Queue)command).Query;
                (TrackChoice Track, int Matches)? found;
                try
                {
                    found = await _catalogue.FindAsync(query, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return await PostAsync(() => Task.FromResult(Fail(command, $"the catalogue could not be searched: {HttpFailures.Message(e)}")));
                }
                if (found is not { } f) return await PostAsync(() => Task.FromResult(Fail(command, $"no track matches '{query}'")));
                return await PostAsync(() => command is PlayerCommand.Play ? PlayAsync(f.Track, f.Matches) : QueueAsync(f.Track, f.Matches));
            case PlayerCommand.Pause:
                return await PostAsync(PauseAsync);
            case PlayerCommand.Resume:
                return await PostAsync(ResumeAsync);
            case PlayerCommand.Next:
                return await PostAsync(NextAsync);
            case PlayerCommand.Previous:
                return await PostAsync(PreviousAsync);
            case PlayerCommand.Seek s:
                return await PostAsync(() => SeekAsync(s));
            case PlayerCommand.Help:
                return await PostAsync(() => Task.FromResult(Ok(command, PlayerCommand.Usage)));
            default:
                return await PostAsync(() => Task.FromResult(Ok(command, "")));
        }
    }

    /// <summary>The player as it is now (read on the mailbox, so never half-way through a command).</summary>
    public Task<PlayerStatus> StatusAsync() => PostAsync(() => Task.FromResult(Status()));

    private async Task<PlayerAnswer> PlayAsync(TrackChoice track, int matches)
    {
        _queue.PlayNow(track);
        ResumeIfPaused();
        await StartRunAsync(TimeSpan.Zero);
        return Ok(new PlayerCommand.Play(track.Id), $"playing {track}{MatchNote(matches)}");
    }

    private async Task<PlayerAnswer> QueueAsync(TrackChoice track, int matches)
    {
        _queue.Enqueue(track);
        var place = _queue.Items.Count - _queue.Index - 1;
        if (_run is null && (_queue.Current is not null || _queue.MoveNext()))
        {
            // Nothing was playing: the queued track plays now.
            await StartRunAsync(TimeSpan.Zero);
            return Ok(new PlayerCommand.Queue(track.Id), $"playing {track}{MatchNote(matches)}");
        }
        return Ok(new PlayerCommand.Queue(track.Id), $"queued {track} ({place} to go){MatchNote(matches)}");
    }

    // The answer reports the position: it waits until the node's loop has held (or released) the playhead.
    private async Task<PlayerAnswer> PauseAsync()
    {
        if (_run is null) return Fail(new PlayerCommand.Pause(), "nothing is playing");
        _paused = true;
        await _client.PauseAsync();
        return Ok(new PlayerCommand.Pause(), "paused");
    }

    private async Task<PlayerAnswer> ResumeAsync()
    {
        if (!_paused) return Fail(new PlayerCommand.Resume(), "not paused");
        _paused = false;
        await _client.ResumeAsync();
        return Ok(new PlayerCommand.Resume(), "playing");
    }

    private void ResumeIfPaused()
    {
        if (!_paused) return;
        // Not awaited: the loop runs it before the play this precedes, which is all that matters here.
        _ = _client.ResumeAsync();
        _paused = false;
    }

    private async Task<PlayerAnswer> NextAsync()
    {
        if (_queue.Index + 1 >= _queue.Items.Count) return Fail(new PlayerCommand.Next(), "nothing after this track: queue one with 'queue ID|TEXT'");
        _queue.MoveNext();
        ResumeIfPaused();
        await StartRunAsync(TimeSpan.Zero);
        return Ok(new PlayerCommand.Next(), $"playing {_queue.Current}");
    }

    private async Task<PlayerAnswer> PreviousAsync()
    {
        if (_queue.Current is null && _queue.Items.Count == 0) return Fail(new PlayerCommand.Previous(), "nothing played yet");
        // At the first track (or with nothing before it) "previous" starts the track again.
        var moved = _queue.MovePrevious();
        ResumeIfPaused();
        await StartRunAsync(TimeSpan.Zero);
        return Ok(new PlayerCommand.Previous(), moved ? $"playing {_queue.Current}" : $"playing {_queue.Current} from the start");
    }

    private async Task<PlayerAnswer> SeekAsync(PlayerCommand.Seek seek)
    {
        if (_run is null || _queue.Current is not { } current) return Fail(seek, "nothing is playing");
        var from = Status().Position;
        var target = seek.To ?? from + seek.By!.Value;
        // Past the end is the end: the play starts there and ends at once, as a seek to the end does in any player.
        target = target < TimeSpan.Zero ? TimeSpan.Zero : current.Duration > TimeSpan.Zero && target > current.Duration ? current.Duration : target;
        // A pause holds across the seek: the new play starts held at the new place.
        await StartRunAsync(target);
        return Ok(seek, $"{current.Id} from {target.TotalSeconds:0.0}s{(_paused ? " (paused)" : "")}");
    }

    private async Task StartRunAsync(TimeSpan at)
    {
        await StopRunAsync();
        if (_queue.Current is not { } current) return;
        var generation = ++_generation;
        var items = new List<PlayItem> { new(current.Id, at) };
        items.AddRange(_queue.Upcoming.Select(t => new PlayItem(t.Id, TimeSpan.Zero)));
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        // Subscribed before the play starts: every report of this run is posted, in order, before the run's end.
        var reports = _client.Plays.Subscribe(r => Post(() => TrackEnded(generation, r)));
        var task = RunAsync(generation, items, cancel.Token, reports);
        _run = new Run(generation, cancel, task, _queue.Index + items.Count - 1);
        _currentStartAt = at;
        _notices.OnNext(new PlayerNotice.Started(current, at));
    }

    private async Task RunAsync(int generation, IReadOnlyList<PlayItem> items, CancellationToken ct, IDisposable reports)
    {
        await Task.Yield();
        try
        {
            await _client.PlayAsync(items, ct);
            Post(() => RunFinished(generation, null));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Post(() => RunFinished(generation, e));
        }
        finally
        {
            reports.Dispose();
        }
    }

    private async Task StopRunAsync()
    {
        if (_run is not { } run) return;
        _run = null;
        _generation++;
        await run.Cancel.CancelAsync();
        try { await run.Task; }
        catch (OperationCanceledException) { }
        run.Cancel.Dispose();
    }

    private Task TrackEnded(int generation, PlayReport report)
    {
        if (generation != _generation || _run is not { } run) return Task.CompletedTask;
        _notices.OnNext(new PlayerNotice.Ended(report));
        // The run goes on with the next of its items, if it has one; else RunFinished decides.
        _currentStartAt = TimeSpan.Zero;
        if (_queue.MoveNext() && _queue.Index <= run.LastIndex) _notices.OnNext(new PlayerNotice.Started(_queue.Current!, TimeSpan.Zero));
        return Task.CompletedTask;
    }

    private async Task RunFinished(int generation, Exception? error)
    {
        if (generation != _generation || _run is null) return;
        _run.Cancel.Dispose();
        _run = null;
        if (error is not null)
        {
            // The track that failed is skipped; the queue goes on after it.
            _notices.OnNext(new PlayerNotice.Failed(_queue.Current?.Id, HttpFailures.Message(error)));
            _queue.MoveNext();
        }
        if (_queue.Current is not null)
        {
            // Tracks queued while the last run played: a new run for them.
            await StartRunAsync(TimeSpan.Zero);
            return;
        }
        ResumeIfPaused();
        _notices.OnNext(new PlayerNotice.Idle());
    }

    private PlayerStatus Status()
    {
        var s = _client.Snapshot();
        var current = _run is not null ? _queue.Current : null;
        // Before the run's play exists (the moment after a seek) the snapshot knows no track: the run's start is where it stands.
        var onTrack = current is not null && s.TrackId == current.Id;
        var position = onTrack ? s.Position : current is not null ? _currentStartAt : TimeSpan.Zero;
        var state = current is null ? "idle"
            : _paused ? "paused"
            : !onTrack ? "starting"
            : s.State.ToString().ToLowerInvariant();
        return new PlayerStatus(current?.Id, current?.Title, position, state, onTrack ? s.Level.Seconds : 0, onTrack && s.Level.TrackComplete,
            _queue.Index, _queue.Items.Select(t => t.Id).ToList(),
            s.ServerBytes, s.PeerBytes, s.CacheBytes, s.Connections, s.Uploads, _client.CachedTracks);
    }

    private PlayerAnswer Ok(PlayerCommand command, string message) => new(command.Name, true, message, Status());

    private PlayerAnswer Fail(PlayerCommand command, string message) => new(command.Name, false, message, Status());

    private static string MatchNote(int matches) => matches > 1 ? $" (first of {matches} matches)" : "";

    private Task<T> PostAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_mailbox.Writer.TryWrite(async () =>
            {
                try { done.TrySetResult(await work()); }
                catch (Exception e) { done.TrySetException(e); }
            }))
            done.TrySetException(new ObjectDisposedException(nameof(Player)));
        return done.Task;
    }

    private void Post(Func<Task> work) => _mailbox.Writer.TryWrite(work);

    private async Task LoopAsync()
    {
        await foreach (var work in _mailbox.Reader.ReadAllAsync())
        {
            try { await work(); }
            catch (Exception e) { _notices.OnNext(new PlayerNotice.Failed(null, HttpFailures.Message(e))); }
        }
    }

    /// <summary>Stops the play and the mailbox; the client itself is the caller's to dispose.</summary>
    public async ValueTask DisposeAsync()
    {
        await PostAsync(async () => { await StopRunAsync(); return true; });
        _mailbox.Writer.TryComplete();
        await _loop;
        _stopping.Cancel();
        _stopping.Dispose();
        _notices.OnCompleted();
    }
}

/// <summary>The answer to one command: whether it was done, what was done (or why not), and the player after it.</summary>
public sealed record PlayerAnswer(string Command, bool Ok, string Message, PlayerStatus Status);

/// <summary>The player at one moment: what plays where, the buffer, the queue, the bytes, the cache.</summary>
public sealed record PlayerStatus(
    string? Track,
    string? Title,
    TimeSpan Position,
    string State,
    double Buffer,
    bool Complete,
    int Index,
    IReadOnlyList<string> Queue,
    long ServerBytes,
    long PeerBytes,
    long CacheBytes,
    int Connections,
    int Uploads,
    IReadOnlyList<string> Cached);

/// <summary>What the player did by itself.</summary>
public abstract record PlayerNotice
{
    public sealed record Started(TrackChoice Track, TimeSpan At) : PlayerNotice;
    public sealed record Ended(PlayReport Report) : PlayerNotice;
    public sealed record Failed(string? TrackId, string Message) : PlayerNotice;
    public sealed record Idle : PlayerNotice;
}
