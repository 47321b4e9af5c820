using Spotify.Rx.Tracker;

using Spotify.Rx.Common.Hosting;

try
{
    var builder = WebApplication.CreateSlimBuilder(args);
    builder.AddTracker();

    var app = builder.Build();
    app.MapTracker();
    await app.RunAsync();
    return 0;
}
catch (Exception e)
{
    // Settings refused at validation, a port in use, an unreachable Redis: one line with the reason.
    Console.Error.WriteLine($"tracker not started: {StartFailure.Describe(e)}");
    return 1;
}
