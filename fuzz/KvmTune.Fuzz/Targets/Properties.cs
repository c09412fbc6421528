using KvmTune.Core;
using KvmTune.Core.Input;

namespace KvmTune.Fuzz.Targets;

/// <summary>The checks the targets share.</summary>
public static class Properties
{
    /// <summary>The longest error message accepted: one line a terminal shows, not the input echoed back.</summary>
    public const int MaxMessageLength = 1_000;

    public static void Holds(bool condition, string property)
    {
        if (!condition)
        {
            throw new PropertyViolationException(property);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>; bad input may end it with an <see cref="InputException"/>, whose message must be one
    /// line of bounded length. Returns false when it did. Any other exception escapes (a crash).
    /// </summary>
    public static bool Accepts(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            body();
            return true;
        }
        catch (InputException e)
        {
            OneLineError(e);
            return false;
        }
    }

    /// <summary>Like <see cref="Accepts(Action)"/> for a function; default when the input was refused.</summary>
    public static T? Accepts<T>(Func<T> body)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
        catch (InputException e)
        {
            OneLineError(e);
            return null;
        }
    }

    private static void OneLineError(InputException e)
    {
        Holds(InputText.IsOneLine(e.Message), $"error is one line: {InputText.Quote(e.Message, 200)}");
        Holds(e.Message.Length <= MaxMessageLength, $"error is at most {MaxMessageLength} characters: {e.Message.Length}");
    }
}
