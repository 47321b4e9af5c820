using System.Text.Json;
using System.Text.Json.Serialization;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Tracker.Routes;

namespace Spotify.Rx.Tracker;

/// <summary>Source-generated JSON for the hot path: no reflection per lookup.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PeerRegistration))]
[JsonSerializable(typeof(PeerList))]
[JsonSerializable(typeof(PeerRegistered))]
public sealed partial class TrackerJson : JsonSerializerContext;
