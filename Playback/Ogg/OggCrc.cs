namespace Spotify.Rx.Playback.Ogg;

/// <summary>
/// The page checksum of RFC 3533 §6: CRC-32 with generator 0x04C11DB7, initial value 0, no reflection and
/// no final XOR (unlike the zlib CRC-32), computed over the whole page with the checksum field set to zero.
/// </summary>
public static class OggCrc
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint r = i << 24;
            for (int bit = 0; bit < 8; bit++)
                r = (r & 0x8000_0000) != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1;
            table[i] = r;
        }
        return table;
    }

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
            crc = (crc << 8) ^ Table[(byte)(crc >> 24) ^ b];
        return crc;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Update(0, data);
}
