namespace KvmTune.Core;

/// <summary>
/// A host, a tool or a service failed after the input was accepted (libvirt unreachable, a daemon refusing): reported
/// as one line naming what and where, exit code 3.
/// </summary>
public class HostFailureException(string message, Exception? inner = null) : Exception(message, inner);
