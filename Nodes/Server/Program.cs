using Spotify.Rx.Server;
using Spotify.Rx.Server.Accounts;

// `hash-password [password]`: the hash to put under Server:Users:<name> (reads stdin when no password is given).
if (args is ["hash-password", ..])
{
    var password = args.Length > 1 ? args[1] : Console.ReadLine() ?? "";
    Console.WriteLine(PasswordHash.Create(password));
    return;
}

await ServerApp.Build(args).RunAsync();
