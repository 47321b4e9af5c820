using System.Text;
using Spotify.Rx.Playback.Ogg;

namespace Spotify.Rx.Playback.Tests.Ogg;

public class OggPageTests
{
    [Fact]
    public void Checksum_is_the_unreflected_crc32_with_zero_initial_value()
    {
        // CRC-32/CKSUM uses the same generator and no reflection but inverts the result: its check value for
        // "123456789" is 0x765E7680, so the Ogg variant (no final XOR) must give its complement.
        Assert.Equal(~0x765E7680u, OggCrc.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void A_built_page_parses_back_to_its_header_fields_and_packets()
    {
        byte[][] packets = [new byte[400], new byte[255], new byte[3], []];
        for (int i = 0; i < packets.Length; i++) Array.Fill(packets[i], (byte)(i + 1));
        var bytes = OggPage.Build(OggHeaderType.EndOfStream, 123_456_789_012, 0xCAFEBABE, 42, packets.Select(p => (ReadOnlyMemory<byte>)p).ToList());

        var page = OggPage.TryParse(bytes)!;

        Assert.Equal(OggHeaderType.EndOfStream, page.HeaderType);
        Assert.Equal(123_456_789_012, page.Granule);
        Assert.Equal(0xCAFEBABE, page.Serial);
        Assert.Equal(42u, page.Sequence);
        Assert.Equal(bytes.Length, page.Length);
        Assert.False(page.LastPacketContinues);
        Assert.Equal(packets, page.Pieces.Select(p => p.ToArray()));
        // 400 = 255 + 145, 255 = 255 + 0, 3, 0: six lacing values.
        Assert.Equal(6, bytes[26]);
    }

    [Fact]
    public void A_page_with_one_flipped_bit_is_rejected_by_its_checksum()
    {
        var bytes = OggPage.Build(OggHeaderType.None, 960, 1, 0, [new byte[] { 1, 2, 3 }]);
        bytes[^1] ^= 0x10;
        var error = Assert.Throws<InvalidDataException>(() => OggPage.TryParse(bytes));
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Part_of_a_page_asks_for_more_bytes_instead_of_failing()
    {
        var bytes = OggPage.Build(OggHeaderType.None, 960, 1, 0, [new byte[400]]);
        Assert.Null(OggPage.TryParse(bytes.AsMemory(0, bytes.Length - 1)));
        Assert.Equal(0, OggPage.PeekLength(bytes.AsSpan(0, 20)));
        Assert.Equal(bytes.Length, OggPage.PeekLength(bytes.AsSpan(0, 40)));
    }

    [Fact]
    public void Bytes_that_are_not_a_page_start_are_an_error()
    {
        var bytes = OggPage.Build(OggHeaderType.None, 960, 1, 0, [new byte[400]]);
        Assert.Throws<InvalidDataException>(() => OggPage.TryParse(bytes.AsMemory(1)));
    }

    [Fact]
    public void The_reader_starts_at_any_page_boundary_and_reports_offsets()
    {
        var stream = new MemoryStream();
        var offsets = new List<long>();
        for (uint i = 0; i < 4; i++)
        {
            offsets.Add(stream.Length);
            stream.Write(OggPage.Build(OggHeaderType.None, 960 * (i + 1), 9, i, [new byte[100 + i]]));
        }

        stream.Position = offsets[2];
        var reader = new OggPageReader(stream, offsets[2]);
        var third = reader.ReadPage()!;
        Assert.Equal(2u, third.Sequence);
        Assert.Equal(offsets[3], reader.Offset);
        Assert.Equal(3u, reader.ReadPage()!.Sequence);
        Assert.Null(reader.ReadPage());
    }

    [Fact]
    public void A_page_cut_short_by_the_end_of_the_stream_is_an_error()
    {
        var bytes = OggPage.Build(OggHeaderType.None, 960, 1, 0, [new byte[400]]);
        var reader = new OggPageReader(new MemoryStream(bytes[..100]));
        Assert.Throws<EndOfStreamException>(() => reader.ReadPage());
    }
}
