Spotify.Rx.Tracker.TrackerApp.Build(args).Run();
