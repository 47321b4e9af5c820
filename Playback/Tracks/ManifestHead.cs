using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Spotify.Rx.Playback.Tracks;

/// <summary>
/// The few fields of a manifest that a catalogue needs (id, title, artist, duration, length, chunk size)
/// and the hash of its first chunk, read without the chunk hashes and the seek index that make up almost
/// all of a manifest's bytes. A catalogue of 100,000 tracks holds these, not 100,000 manifests.
/// </summary>
public sealed record ManifestHead(string Id, string Title, string Artist, TimeSpan Duration, long ByteLength, int ChunkSize, byte[] FirstChunkHash)
{
    /// <summary>What is read of a manifest first; the head fields come first in every manifest this repository writes.</summary>
    public const int PrefixBytes = 4096;

    /// <summary>
    /// Reads the head of the manifest file at <paramref name="path"/>: its first <see cref="PrefixBytes"/>, and the
    /// whole file only when the head fields are not all in them (a hand-edited manifest with another key order).
    /// </summary>
    /// <exception cref="InvalidDataException">the manifest is not JSON or lacks a field, with what is wrong.</exception>
    public static ManifestHead Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long length = RandomAccess.GetLength(handle);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(PrefixBytes);
        try
        {
            int read = ReadFully(handle, buffer.AsSpan(0, (int)Math.Min(PrefixBytes, length)));
            if (TryParse(buffer.AsSpan(0, read), isFinalBlock: read >= length, out var head)) return head!;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (length > 64 * 1024 * 1024) throw new InvalidDataException($"a manifest of {length} bytes is not one");
        var whole = new byte[length];
        int n = ReadFully(handle, whole);
        return TryParse(whole.AsSpan(0, n), isFinalBlock: true, out var full) ? full! : throw new InvalidDataException("the manifest ended early");
    }

    /// <summary>
    /// Parses the head from the start of a manifest. False when <paramref name="utf8"/> ends before every head field
    /// was seen and more of the file follows (<paramref name="isFinalBlock"/> false).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, bool isFinalBlock, out ManifestHead? head)
    {
        head = null;
        string? id = null, title = null, artist = null;
        TimeSpan? duration = null;
        long? byteLength = null;
        int chunkSize = TrackManifest.DefaultChunkSize;
        byte[]? firstHash = null;
        var reader = new Utf8JsonReader(utf8, isFinalBlock, default);
        try
        {
            if (!reader.Read()) return Incomplete(isFinalBlock);
            if (reader.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("a manifest is a JSON object");
            while (true)
            {
                if (AllSeen()) break;
                if (!reader.Read()) return Incomplete(isFinalBlock);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                string name = reader.GetString()!;
                if (!reader.Read()) return Incomplete(isFinalBlock);
                switch (name.ToLowerInvariant())
                {
                    case "id": id = reader.GetString(); break;
                    case "title": title = reader.GetString(); break;
                    case "artist": artist = reader.GetString(); break;
                    case "duration":
                        duration = TimeSpan.TryParse(reader.GetString(), CultureInfo.InvariantCulture, out var d) ? d
                            : throw new InvalidDataException("duration is not a time span");
                        break;
                    case "bytelength": byteLength = reader.GetInt64(); break;
                    case "chunksize": chunkSize = reader.GetInt32(); break;
                    case "chunkhashes":
                        if (reader.TokenType != JsonTokenType.StartArray) throw new InvalidDataException("chunkHashes is not an array");
                        if (!reader.Read()) return Incomplete(isFinalBlock);
                        if (reader.TokenType != JsonTokenType.String) throw new InvalidDataException("chunkHashes is empty");
                        firstHash = ParseHash(reader.GetString()!);
                        // The rest of the array is only skipped when a head field may still follow it.
                        if (!AllSeen() && !reader.TrySkipArrayRest()) return Incomplete(isFinalBlock);
                        break;
                    default:
                        if (!reader.TrySkip()) return Incomplete(isFinalBlock);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("not a manifest: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException("not a manifest: a field has the wrong type (" + e.Message + ")", e);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException("not a manifest: " + e.Message, e);
        }
        return Build(out head);

        bool AllSeen() => id is not null && title is not null && artist is not null && duration is not null && byteLength is not null && firstHash is not null;

        bool Build(out ManifestHead? built)
        {
            built = null;
            if (id is null || title is null || artist is null || duration is null || byteLength is null || firstHash is null)
            {
                if (!isFinalBlock) return false;
                string missing = id is null ? "id" : title is null ? "title" : artist is null ? "artist" : duration is null ? "duration"
                    : byteLength is null ? "byteLength" : "chunkHashes";
                throw new InvalidDataException($"the manifest has no {missing}");
            }
            if (byteLength <= 0) throw new InvalidDataException($"byteLength {byteLength} is not a length");
            if (chunkSize <= 0) throw new InvalidDataException($"chunkSize {chunkSize} is not a size");
            built = new ManifestHead(id, title, artist, duration.Value, byteLength.Value, chunkSize, firstHash);
            return true;
        }
    }

    private static bool Incomplete(bool isFinalBlock) =>
        isFinalBlock ? throw new InvalidDataException("the manifest ended early") : false;

    private static byte[] ParseHash(string hex) =>
        hex.Length == 64 ? Convert.FromHexString(hex) : throw new InvalidDataException($"'{hex}' is not a SHA-256 in hex");

    private static int ReadFully(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[read..], read);
            if (n == 0) break;
            read += n;
        }
        return read;
    }
}

internal static class Utf8JsonReaderSkips
{
    /// <summary>Skips to the end of the array the reader is inside of; false when the data ends first.</summary>
    public static bool TrySkipArrayRest(ref this Utf8JsonReader reader)
    {
        int depth = reader.CurrentDepth - 1;
        while (reader.Read())
            if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth) return true;
        return false;
    }
}
