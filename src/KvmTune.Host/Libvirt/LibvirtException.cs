namespace KvmTune.Host.Libvirt;

/// <summary>libvirt's error codes (virErrorNumber in virterror.h) that KvmTune distinguishes.</summary>
public enum LibvirtErrorCode
{
    Ok = 0,
    InternalError = 1,
    NoSupport = 3,
    NoConnect = 5,
    InvalidConnection = 6,
    InvalidDomain = 7,
    InvalidArgument = 8,
    OperationFailed = 9,
    XmlError = 27,
    DomainExists = 28,
    OperationDenied = 29,
    SystemError = 38,
    Rpc = 39,
    NoDomain = 42,
    AuthFailed = 45,
    OperationInvalid = 55,
    ConfigUnsupported = 67,
    OperationTimeout = 68,
    XmlInvalidSchema = 92,
}

/// <summary>
/// A libvirt call failed. Carries libvirt's own error code, error domain (the subsystem, virErrorDomain) and
/// message as virGetLastError reported them.
/// </summary>
public class LibvirtException : Exception
{
    public LibvirtException(string operation, int code, int errorDomain, string libvirtMessage)
        : base($"{operation}: {libvirtMessage}")
    {
        Operation = operation;
        Code = code;
        ErrorDomain = errorDomain;
        LibvirtMessage = libvirtMessage;
    }

    /// <summary>The call that failed, with its argument (<c>virDomainLookupByName('web1')</c>).</summary>
    public string Operation { get; }

    /// <summary>libvirt's virErrorNumber.</summary>
    public int Code { get; }

    /// <summary>The code as a known value (other values are still valid libvirt codes).</summary>
    public LibvirtErrorCode KnownCode => (LibvirtErrorCode)Code;

    /// <summary>libvirt's virErrorDomain: where the error came from (10 = QEMU driver, 7 = RPC, …).</summary>
    public int ErrorDomain { get; }

    /// <summary>libvirt's message, verbatim.</summary>
    public string LibvirtMessage { get; }

    /// <summary>Reads (and clears) the calling thread's last libvirt error and builds the matching exception type.</summary>
    internal static unsafe LibvirtException FromLastError(string operation)
    {
        var error = NativeMethods.virGetLastError();
        int code = 0, domain = 0;
        string message = "unknown libvirt error";
        if (error is not null)
        {
            code = error->Code;
            domain = error->Domain;
            message = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(error->Message) ?? message;
        }
        NativeMethods.virResetLastError();
        return (LibvirtErrorCode)code switch
        {
            LibvirtErrorCode.NoDomain => new LibvirtNoDomainException(operation, code, domain, message),
            _ => new LibvirtException(operation, code, domain, message),
        };
    }
}

/// <summary>Opening a connection failed (daemon not running, connection refused, bad URI, authentication).</summary>
public sealed class LibvirtConnectionException(string uri, LibvirtException cause)
    : LibvirtException($"cannot connect to libvirt at '{uri}'", cause.Code, cause.ErrorDomain, cause.LibvirtMessage)
{
    /// <summary>The URI that could not be opened.</summary>
    public string Uri { get; } = uri;
}

/// <summary>No domain with that name or UUID exists (VIR_ERR_NO_DOMAIN).</summary>
public sealed class LibvirtNoDomainException(string operation, int code, int errorDomain, string libvirtMessage)
    : LibvirtException(operation, code, errorDomain, libvirtMessage);
