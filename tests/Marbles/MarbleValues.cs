using System.Collections;
using System.Reflection;

namespace Spotify.Rx.Marbles;

/// <summary>
/// The value map of a diagram: letter to value. Given as an anonymous object
/// (<c>new { a = 1.0, b = 2.0 }</c>, with <c>_0</c> … <c>_9</c> for digits) or as a dictionary
/// keyed by <see cref="char"/> or one-letter <see cref="string"/>.
/// </summary>
public sealed class MarbleValues<T>
{
    private readonly IReadOnlyDictionary<char, T> _byLetter;

    private MarbleValues(IReadOnlyDictionary<char, T> byLetter) => _byLetter = byLetter;

    public static MarbleValues<T> From(object? values)
    {
        var map = new Dictionary<char, T>();
        switch (values)
        {
            case null:
                break;
            case IEnumerable<KeyValuePair<char, T>> pairs:
                foreach (var (letter, value) in pairs)
                {
                    map[letter] = value;
                }

                break;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    map[Letter(entry.Key.ToString() ?? "")] = Cast(entry.Key.ToString() ?? "", entry.Value);
                }

                break;
            default:
                foreach (var property in values.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    map[Letter(property.Name)] = Cast(property.Name, property.GetValue(values));
                }

                break;
        }

        return new MarbleValues<T>(map);
    }

    /// <summary>
    /// The value of a letter. Without an entry, a diagram of strings or chars stands for itself
    /// (as in RxJS); any other type needs the entry.
    /// </summary>
    public T Lookup(char letter, string diagram, int column)
    {
        if (_byLetter.TryGetValue(letter, out var value))
        {
            return value;
        }

        if (typeof(T) == typeof(string))
        {
            return (T)(object)letter.ToString();
        }

        if (typeof(T) == typeof(char))
        {
            return (T)(object)letter;
        }

        throw new MarbleDiagramException(diagram, column, $"no value for '{letter}' in the value map of {typeof(T).Name}");
    }

    /// <summary>The letter a value is written as in diagrams, if the map has one.</summary>
    public char? LetterOf(T value)
    {
        foreach (var (letter, candidate) in _byLetter.OrderBy(p => p.Key))
        {
            if (EqualityComparer<T>.Default.Equals(candidate, value))
            {
                return letter;
            }
        }

        // Without an entry, a string or char of one marble letter stands for itself.
        var text = value switch
        {
            string s => s,
            char c => c.ToString(),
            _ => null,
        };
        return text is [var only] && (char.IsAsciiLetterLower(only) || char.IsAsciiDigit(only)) && !_byLetter.ContainsKey(only)
            ? only
            : null;
    }

    private static char Letter(string name)
    {
        var key = name.Length == 2 && name[0] == '_' && char.IsAsciiDigit(name[1]) ? name[1..] : name;
        if (key.Length != 1 || !(char.IsAsciiLetterLower(key[0]) || char.IsAsciiDigit(key[0])))
        {
            throw new ArgumentException($"'{name}' is not a marble letter: use a … z, 0 … 9 (or _0 … _9 in an anonymous object).");
        }

        return key[0];
    }

    private static T Cast(string name, object? value) => value switch
    {
        T typed => typed,
        null when default(T) is null => default!,
        _ => throw new ArgumentException(
            $"the value of '{name}' is a {value?.GetType().Name ?? "null"}, but the diagram is of {typeof(T).Name}"),
    };
}
