using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// The client as a .NET host: configuration (appsettings.json beside the program, then the environment
/// with <c>Client__X</c> for <c>Client:X</c>, then <c>--Client:X=V</c> arguments, then the command's own
/// options) and logging (warnings and worse on stderr, one line each, <c>-v</c> for information; every
/// line to <c>--log FILE</c>). The node itself is started by the command, inside the host's lifetime.
/// </summary>
internal sealed class ClientHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ClientHost(IHost host, ClientSettings settings)
    {
        _host = host;
        Settings = settings;
        Logs = host.Services.GetRequiredService<ILoggerFactory>();
        Log = Logs.CreateLogger("Spotify.Rx.Client.Cli");
    }

    public ClientSettings Settings { get; }
    public ILoggerFactory Logs { get; }
    public ILogger Log { get; }
    public IConfiguration Configuration => _host.Services.GetRequiredService<IConfiguration>();

    public static async Task<ClientHost> StartAsync(ParseResult r, IReadOnlyList<string> configArguments, IEnumerable<KeyValuePair<string, string?>> given)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "Spotify.Rx.Client",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(configArguments.ToArray())
            .AddInMemoryCollection(CommonOptions.Given(r).Concat(given));
        var settings = ClientSettings.From(builder.Configuration);

        var verbose = r.GetValue(CommonOptions.Verbose);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddProvider(new LineLoggerProvider(Console.Error, verbose ? LogLevel.Information : LogLevel.Warning, fullExceptions: false, ownsWriter: false));
        if (!string.IsNullOrWhiteSpace(settings.Log))
        {
            StreamWriter file;
            try
            {
                file = new StreamWriter(new FileStream(settings.Log, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new UsageException($"--log '{settings.Log}': cannot write there ({e.Message})");
            }
            builder.Logging.AddProvider(new LineLoggerProvider(file, verbose ? LogLevel.Debug : LogLevel.Information, fullExceptions: true, ownsWriter: true));
        }
        builder.Services.AddSingleton(settings);

        var host = builder.Build();
        await host.StartAsync();
        return new ClientHost(host, settings);
    }

    /// <summary>
    /// Arguments shaped <c>--Section:Key=Value</c> (or <c>--Section:Key Value</c>) are configuration, as the
    /// server and tracker take them; the rest are the command line's.
    /// </summary>
    public static (List<string> Configuration, List<string> Command) Split(IReadOnlyList<string> args)
    {
        var configuration = new List<string>();
        var command = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var name = a.StartsWith("--", StringComparison.Ordinal) ? a[2..].Split('=')[0] : "";
            if (name.Contains(':') && char.IsLetter(name[0]))
            {
                configuration.Add(a);
                if (!a.Contains('=') && i + 1 < args.Count) configuration.Add(args[++i]);
            }
            else command.Add(a);
        }
        return (configuration, command);
    }

    public async ValueTask DisposeAsync()
    {
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _host.StopAsync(quick.Token);
        _host.Dispose();
    }
}
