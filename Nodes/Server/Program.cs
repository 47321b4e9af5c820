using Microsoft.Extensions.Configuration.Memory;
using Spotify.Rx.Server;
using Spotify.Rx.Server.Accounts;

// `hash-password [password]`: the hash to put under Server:Users:<name> (reads stdin when no password is given).
// Searched, not matched at the front: dotnet run puts --contentRoot before the user's arguments.
var verb = Array.IndexOf(args, "hash-password");
if (verb >= 0)
{
    var password = verb + 1 < args.Length ? args[verb + 1] : Console.ReadLine() ?? "";
    Console.WriteLine(PasswordHash.Create(password));
    return;
}

var builder = WebApplication.CreateSlimBuilder(args);
// Lowest precedence of all: appsettings, environment and command line may turn the audio endpoint off (empty).
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ServerApp.ProgramDefaults });
builder.AddMainServer();

var app = builder.Build();
app.MapMainServer();
await app.RunAsync();
