using System.Reactive.Concurrency;

namespace Spotify.Rx.Client;

/// <summary>Brings the results of I/O (which complete on any thread) back onto the client's loop.</summary>
internal static class OnLoop
{
    /// <summary>Runs <paramref name="then"/> on <paramref name="loop"/> once <paramref name="task"/> is done, whatever its outcome.</summary>
    public static void Then<T>(this Task<T> task, IScheduler loop, Action<Task<T>> then) =>
        task.ContinueWith(
            static (t, s) =>
            {
                var (loop, then) = ((IScheduler, Action<Task<T>>))s!;
                loop.Schedule(() => then(t));
            },
            (loop, then), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Runs <paramref name="then"/> on <paramref name="loop"/> once <paramref name="task"/> is done, whatever its outcome.</summary>
    public static void Then(this Task task, IScheduler loop, Action<Task> then) =>
        task.ContinueWith(
            static (t, s) =>
            {
                var (loop, then) = ((IScheduler, Action<Task>))s!;
                loop.Schedule(() => then(t));
            },
            (loop, then), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Awaits <paramref name="task"/> and continues on <paramref name="loop"/>, with its result or its exception.</summary>
    public static async Task<T> Back<T>(this Task<T> task, IScheduler loop)
    {
        try { await task.ConfigureAwait(false); }
        catch { /* rethrown below, on the loop */ }
        await loop.Yield().ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }
}
