using System.Net.Sockets;
using System.Text.Json;
using Flurl.Http;

namespace Spotify.Rx.Client.Http;

/// <summary>
/// A failed call to a node as one line a user can act on: which URL, and what went wrong there
/// (not reachable, no answer in time, or the node's own reason for refusing).
/// </summary>
public static class HttpFailures
{
    public static async Task<string> DescribeAsync(FlurlHttpException e)
    {
        var url = e.Call?.Request?.Url?.ToString() ?? "(unknown URL)";
        if (e is FlurlHttpTimeoutException) return $"no answer from {url} within {e.Call?.Request?.Settings.Timeout?.TotalSeconds ?? 0:0} s";
        if (e.StatusCode is not { } status) return $"cannot reach {url}: {Innermost(e)}";
        var reason = await ProblemDetailAsync(e);
        return status == 401 && url.Contains("/auth/token", StringComparison.Ordinal)
            ? $"login refused by {url}: {reason ?? "wrong user or password"}"
            : $"{url} answered {status} {e.Call?.HttpResponseMessage?.ReasonPhrase}{(reason is null ? "" : ": " + reason)}";
    }

    /// <summary>The same line without the node's reason from the body (no I/O), for any exception a call can end in.</summary>
    public static string Message(Exception e) => e switch
    {
        FlurlHttpTimeoutException t => $"no answer from {t.Call?.Request?.Url} within {t.Call?.Request?.Settings.Timeout?.TotalSeconds ?? 0:0} s",
        FlurlHttpException { StatusCode: null } f => $"cannot reach {f.Call?.Request?.Url}: {Innermost(f)}",
        FlurlHttpException f => $"{f.Call?.Request?.Url} answered {f.StatusCode} {f.Call?.HttpResponseMessage?.ReasonPhrase}",
        _ => e.Message,
    };

    private static string Innermost(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return inner is SocketException s ? $"{s.Message} ({s.SocketErrorCode})" : inner.Message;
    }

    // The nodes answer errors as RFC 7807 problem details; their "detail" is the reason worth showing.
    private static async Task<string?> ProblemDetailAsync(FlurlHttpException e)
    {
        try
        {
            var body = await e.GetResponseStringAsync();
            if (string.IsNullOrWhiteSpace(body)) return null;
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && (json.RootElement.TryGetProperty("detail", out var d) || json.RootElement.TryGetProperty("title", out d))
                && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        }
        catch (Exception x) when (x is JsonException or InvalidOperationException or HttpRequestException or IOException)
        {
            return null;
        }
    }
}
