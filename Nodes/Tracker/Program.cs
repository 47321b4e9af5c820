using Spotify.Rx.Tracker;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddTracker();

var app = builder.Build();
app.MapTracker();
await app.RunAsync();
