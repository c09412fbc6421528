namespace KvmTune.Core;

/// <summary>
/// Bad input from the user (a file, an option, a URI): reported as one line naming what and where,
/// exit code 2, nothing written.
/// </summary>
public class InputException(string message, Exception? inner = null) : Exception(message, inner);
