using Spotify.Rx.Server;
using Spotify.Rx.Server.Accounts;

// `hash-password [password]`: the hash to put under Server:Users:<name> (reads stdin when no password is given).
if (args is ["hash-password", ..])
{
    var password = args.Length > 1 ? args[1] : Console.ReadLine() ?? "";
    Console.WriteLine(PasswordHash.Create(password));
    return;
}

// Lowest precedence of all: appsettings, environment and command line may turn the audio endpoint off (empty).
await ServerApp.Build(args, builder => builder.Configuration.Sources.Insert(0,
    new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = ServerApp.ProgramDefaults })).RunAsync();
