using System.Globalization;

namespace Spotify.Rx.Client.Player;

/// <summary>One command of the player, from a line of stdin or a key: what the user asked, not how it is done.</summary>
public abstract record PlayerCommand
{
    public sealed record Play(string Query) : PlayerCommand;
    public sealed record Queue(string Query) : PlayerCommand;
    public sealed record Pause : PlayerCommand;
    public sealed record Resume : PlayerCommand;
    public sealed record Next : PlayerCommand;
    public sealed record Previous : PlayerCommand;
    /// <summary>To <see cref="To"/>, or by <see cref="By"/> from where the playhead is.</summary>
    public sealed record Seek(TimeSpan? To, TimeSpan? By) : PlayerCommand;
    public sealed record Status : PlayerCommand;
    public sealed record Quit : PlayerCommand;
    public sealed record Help : PlayerCommand;

    /// <summary>The command's word as answers name it.</summary>
    public string Name => this switch
    {
        Play => "play",
        Queue => "queue",
        Pause => "pause",
        Resume => "resume",
        Next => "next",
        Previous => "prev",
        Seek => "seek",
        Status => "status",
        Quit => "quit",
        _ => "help",
    };

    public const string Usage = "play ID|TEXT, queue ID|TEXT, pause, resume, next, prev, seek +10|-10|MM:SS|SECONDS, status, quit";

    /// <summary>A command from a line (<c>play midnight rivers</c>, <c>seek -10</c>, <c>seek 1:30</c>); the reason when it is none.</summary>
    public static bool TryParse(string line, out PlayerCommand? command, out string error)
    {
        command = null;
        error = "";
        var text = line.Trim();
        var space = text.IndexOf(' ');
        var word = (space < 0 ? text : text[..space]).ToLowerInvariant();
        var rest = space < 0 ? "" : text[(space + 1)..].Trim();
        switch (word)
        {
            case "play" or "queue" when rest.Length == 0:
                error = $"{word} needs a track id or words of its title or artist";
                return false;
            case "play":
                command = new Play(rest);
                return true;
            case "queue":
                command = new Queue(rest);
                return true;
            case "seek" when TryParseSeek(rest, out var seek):
                command = seek;
                return true;
            case "seek":
                error = $"seek '{rest}': expected +10, -10, MM:SS or SECONDS";
                return false;
        }
        if (rest.Length > 0 && word is "pause" or "resume" or "next" or "prev" or "previous" or "status" or "quit" or "exit" or "help")
        {
            error = $"{word} takes no argument";
            return false;
        }
        command = word switch
        {
            "pause" => new Pause(),
            "resume" => new Resume(),
            "next" => new Next(),
            "prev" or "previous" => new Previous(),
            "status" => new Status(),
            "quit" or "exit" => new Quit(),
            "help" or "?" => new Help(),
            _ => null,
        };
        if (command is null) error = word.Length == 0 ? "empty command" : $"unknown command '{word}': {Usage}";
        return command is not null;
    }

    private static bool TryParseSeek(string text, out Seek seek)
    {
        seek = null!;
        if (text.Length == 0) return false;
        if (text[0] is '+' or '-')
        {
            if (!TryParseTime(text[1..], out var by)) return false;
            seek = new Seek(null, text[0] == '-' ? -by : by);
            return true;
        }
        if (!TryParseTime(text, out var to)) return false;
        seek = new Seek(to, null);
        return true;
    }

    /// <summary><c>SECONDS</c> (decimals allowed) or <c>M:SS</c> / <c>MM:SS(.f)</c>.</summary>
    private static bool TryParseTime(string text, out TimeSpan time)
    {
        time = default;
        var colon = text.IndexOf(':');
        if (colon < 0)
        {
            if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > 86_400) return false;
            time = TimeSpan.FromSeconds(seconds);
            return true;
        }
        if (!int.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes > 1440
            || !double.TryParse(text[(colon + 1)..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var secs) || secs >= 60
            || text.Length - colon - 1 < 2)
            return false;
        time = TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(secs);
        return true;
    }
}
