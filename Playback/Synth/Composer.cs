using NAudio.Sequencing;

namespace Spotify.Rx.Playback.Synth;

/// <summary>
/// Writes a small pop song from a seed: a key, a tempo, a four-chord progression, sections of eight bars
/// (intro, verse, chorus, ...) with pads, a bass line, a drum beat and a repeated lead motif. Everything it
/// chooses comes from one seeded <see cref="Random"/>, so a seed is a song.
/// </summary>
public static class Composer
{
    private static readonly string[] Adjectives =
        ["Amber", "Silver", "Quiet", "Electric", "Paper", "Midnight", "Golden", "Hollow", "Velvet", "Northern", "Crystal", "Wandering", "Broken", "Neon", "Distant", "Summer"];
    private static readonly string[] Nouns =
        ["Harbor", "Lanterns", "Rivers", "Signals", "Gardens", "Engines", "Mirrors", "Satellites", "Horizons", "Streets", "Echoes", "Tides", "Letters", "Skylines", "Islands", "Orbits"];
    private static readonly string[] Artists =
        ["The Seeded Randoms", "Granule Position", "Pre-Skip", "Lacing Values", "Opus & The Pages", "Chunk Hash", "Peer Group", "The Trackers"];
    private static readonly int[][] Progressions = [[0, 4, 5, 3], [0, 5, 3, 4], [5, 3, 0, 4], [0, 3, 4, 3], [0, 2, 5, 4], [0, 3, 5, 4]];
    private static readonly int[] Major = [0, 2, 4, 5, 7, 9, 11];
    private static readonly int[] Minor = [0, 2, 3, 5, 7, 8, 10];

    private const int Ppq = MusicalTime.CanonicalPpq;
    private const int BarTicks = 4 * Ppq;
    private const int EighthTicks = Ppq / 2;

    public static Song Compose(int seed, TimeSpan length)
    {
        var random = new Random(seed);
        string title = $"{Pick(random, Adjectives)} {Pick(random, Nouns)}";
        string artist = Pick(random, Artists);
        double bpm = random.Next(84, 129);
        int root = random.Next(40, 52);                 // E2..D#3, the bass register
        int[] scale = random.Next(2) == 0 ? Major : Minor;
        int[] progression = Pick(random, Progressions);
        long frames = (long)Math.Round(length.TotalSeconds * SynthFormat.SampleRate);
        double barSeconds = 4 * 60.0 / bpm;
        int bars = (int)Math.Ceiling(length.TotalSeconds / barSeconds);

        var events = new List<(long, Note)>();
        var motifs = new Dictionary<int, int?[]>();
        for (int bar = 0; bar < bars; bar++)
        {
            long barStart = (long)bar * BarTicks;
            int section = bar / 8;
            bool intro = section == 0, chorus = section % 2 == 0 && !intro, breakdown = section % 5 == 4;
            int degree = progression[bar % progression.Length];
            int[] chord = [Degree(scale, degree), Degree(scale, degree + 2), Degree(scale, degree + 4)];

            for (int i = 0; i < 3; i++)
                events.Add((barStart, new Note(Instrument.Pad, root + 12 + chord[i], barSeconds, 1f, -0.5f + 0.5f * i)));

            if (!intro)
                for (int beat = 0; beat < 4; beat++)
                {
                    int pitch = root + chord[0] + (beat == 3 && random.Next(3) == 0 ? 7 : 0);
                    events.Add((barStart + beat * Ppq, new Note(Instrument.Bass, pitch, barSeconds / 4 * 0.9, beat == 0 ? 1f : 0.8f, 0f)));
                }

            for (int eighth = 0; eighth < 8; eighth++)
            {
                long tick = barStart + eighth * EighthTicks;
                if (!breakdown && !intro && (eighth is 0 or 4 || (eighth == 7 && random.Next(4) == 0)))
                    events.Add((tick, new Note(Instrument.Kick, 0, 0.35, 1f, 0f)));
                if (!breakdown && !intro && eighth is 2 or 6)
                    events.Add((tick, new Note(Instrument.Snare, 0, 0.25, 1f, 0.1f)));
                events.Add((tick, new Note(Instrument.HiHat, 0, 0.06, eighth % 2 == 0 ? 1f : 0.6f, 0.3f)));
            }

            if (chorus || (section % 2 == 1 && bar % 2 == 1))
            {
                // A two-bar motif per section kind, repeated: repetition is what makes it sound composed.
                int kind = chorus ? 0 : 1;
                if (!motifs.TryGetValue(kind, out var motif)) motifs[kind] = motif = Motif(random, scale);
                for (int step = 0; step < 8; step++)
                {
                    if (motif[(bar % 2) * 8 + step] is not int offset) continue;
                    int pitch = root + 24 + chord[0] + offset;
                    events.Add((barStart + step * EighthTicks, new Note(Instrument.Lead, pitch, barSeconds / 8 * 1.6, 0.9f, -0.1f)));
                }
            }
        }
        return new Song(title, artist, bpm, frames, events, (uint)seed);
    }

    /// <summary>Sixteen eighth-note steps: scale steps by a small random walk, with rests.</summary>
    private static int?[] Motif(Random random, int[] scale)
    {
        var steps = new int?[16];
        int position = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            if (random.Next(10) < 3) continue;
            position = Math.Clamp(position + random.Next(-2, 3), -3, 7);
            steps[i] = Degree(scale, position);
        }
        return steps;
    }

    private static int Degree(int[] scale, int degree)
    {
        int octave = (int)Math.Floor(degree / 7.0);
        return scale[degree - octave * 7] + 12 * octave;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
