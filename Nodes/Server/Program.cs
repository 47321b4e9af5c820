using Microsoft.Extensions.Configuration.Memory;
using Spotify.Rx.Server;
using Spotify.Rx.Common.Hosting;
using Spotify.Rx.Server.Accounts;

// `hash-password [password]`: the hash to put under Server:Users:<name> (reads stdin when no password is given).
// Searched, not matched at the front: dotnet run puts --contentRoot before the user's arguments.
var verb = Array.IndexOf(args, "hash-password");
if (verb >= 0)
{
    var password = verb + 1 < args.Length ? args[verb + 1] : Console.ReadLine() ?? "";
    Console.WriteLine(PasswordHash.Create(password));
    return 0;
}

try
{
    var builder = WebApplication.CreateSlimBuilder(args);
    // Lowest precedence of all: appsettings, environment and command line may turn the audio endpoint off (empty).
    builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ServerApp.ProgramDefaults });
    builder.AddMainServer();

    var app = builder.Build();
    app.MapMainServer();
    await app.RunAsync();
    return 0;
}
catch (Exception e)
{
    // A server that cannot start (settings refused at validation, a port in use, an unreadable key)
    // says why in one line; an operator needs the reason, not a stack trace.
    Console.Error.WriteLine($"main server not started: {StartFailure.Describe(e)}");
    return 1;
}
