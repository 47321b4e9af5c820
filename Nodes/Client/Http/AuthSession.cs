using System.Net;
using System.Reactive.Concurrency;
using Flurl.Http;
using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Client.Http;

/// <summary>
/// The client's login at the main server: a token obtained with <c>POST /auth/token</c>, renewed
/// before it expires (a fifth of its life early, at most a minute) and at once after any 401,
/// so an expired token never stops playback. A renewal that fails while the token held is still
/// valid (the server briefly unreachable) keeps that token and tries again a second later.
/// </summary>
public sealed class AuthSession
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly IFlurlClient _server;
    private readonly TokenRequest _login;
    private readonly IScheduler _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TokenResponse? _current;
    private DateTimeOffset _renewAt;
    private int _renewals;

    internal AuthSession(IFlurlClient server, string user, string password, string peerId, IScheduler clock)
    {
        _server = server;
        _login = new TokenRequest(user, password, peerId);
        _clock = clock;
    }

    /// <summary>The peer id the server signed: the requested device name under the account (<c>user.device</c>).</summary>
    public string PeerId => _current?.PeerId ?? _login.PeerId;

    /// <summary>Tokens obtained so far (the first login included).</summary>
    public int Logins => Volatile.Read(ref _renewals);

    /// <summary>The token to send now, renewing first when it is near its expiry.</summary>
    public async Task<string> TokenAsync(CancellationToken ct = default)
    {
        var current = _current;
        if (current is not null && _clock.Now < _renewAt) return current.Token;
        await _gate.WaitAsync(ct);
        try
        {
            if (_current is not null && _clock.Now < _renewAt) return _current.Token;
            try
            {
                return await LoginAsync(ct);
            }
            catch (FlurlHttpException) when (_current is { } held && _clock.Now < held.Expires && _renewAt != DateTimeOffset.MinValue)
            {
                // Not after a 401 (MinValue): that token was refused and is no use to anyone.
                _renewAt = _clock.Now + RetryAfterFailure;
                return held.Token;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="rejected"/>, so the next <see cref="TokenAsync"/> logs in again.</summary>
    public void Reject(string rejected)
    {
        if (_current?.Token == rejected) _renewAt = DateTimeOffset.MinValue;
    }

    /// <summary>Runs <paramref name="call"/> with the token; on a 401 logs in once more and runs it again.</summary>
    public async Task<T> WithTokenAsync<T>(Func<string, Task<T>> call, CancellationToken ct)
    {
        var token = await TokenAsync(ct);
        try
        {
            return await call(token);
        }
        catch (FlurlHttpException e) when (e.StatusCode == (int)HttpStatusCode.Unauthorized)
        {
            Reject(token);
            return await call(await TokenAsync(ct));
        }
    }

    private async Task<string> LoginAsync(CancellationToken ct)
    {
        var response = await _server.Request("auth", "token").PostJsonAsync(_login, cancellationToken: ct).ReceiveJson<TokenResponse>();
        var now = _clock.Now;
        var life = response.Expires - now;
        var early = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, Math.Max(0, life.Ticks / 5)));
        _current = response;
        _renewAt = response.Expires - early;
        Interlocked.Increment(ref _renewals);
        return response.Token;
    }
}
