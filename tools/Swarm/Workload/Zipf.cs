namespace Spotify.Rx.Swarm.Workload;

/// <summary>
/// Zipf popularity over ranks 1..n: rank k is drawn with probability proportional to 1 / k^s,
/// so a few tracks are played often and most rarely, as in any music catalogue.
/// </summary>
public sealed class Zipf
{
    private readonly double[] _cumulative;

    public Zipf(int count, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (exponent < 0 || double.IsNaN(exponent)) throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "must be zero or more");
        _cumulative = new double[count];
        double sum = 0;
        for (int k = 0; k < count; k++)
        {
            sum += 1.0 / Math.Pow(k + 1, exponent);
            _cumulative[k] = sum;
        }
        for (int k = 0; k < count; k++) _cumulative[k] /= sum;
    }

    public int Count => _cumulative.Length;

    /// <summary>Probability of the 0-based rank <paramref name="rank"/>.</summary>
    public double Probability(int rank) => rank == 0 ? _cumulative[0] : _cumulative[rank] - _cumulative[rank - 1];

    /// <summary>A 0-based rank drawn with the Zipf probabilities.</summary>
    public int Next(Random random)
    {
        double u = random.NextDouble();
        int index = Array.BinarySearch(_cumulative, u);
        // BinarySearch returns the complement of the first larger element when u is not present.
        if (index < 0) index = ~index;
        return Math.Min(index, _cumulative.Length - 1);
    }
}
