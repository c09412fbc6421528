using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KvmTune.Host.Libvirt;

/// <summary>The libvirt C API (libvirt.so.0), only the calls KvmTune uses.</summary>
internal static unsafe partial class NativeMethods
{
    private const string Lib = "libvirt.so.0";

    // virDomainXMLFlags (libvirt-domain.h)
    public const uint XmlInactive = 2;

    // virDomainDefineFlags
    public const uint DefineValidate = 1;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial ConnectHandle virConnectOpen(string? name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial ConnectHandle virConnectOpenReadOnly(string? name);

    [LibraryImport(Lib)]
    public static partial int virConnectClose(nint conn);

    [LibraryImport(Lib)]
    public static partial nint virConnectGetURI(ConnectHandle conn);

    [LibraryImport(Lib)]
    public static partial nint virConnectGetHostname(ConnectHandle conn);

    [LibraryImport(Lib)]
    public static partial int virConnectGetLibVersion(ConnectHandle conn, out nuint libVer);

    [LibraryImport(Lib)]
    public static partial int virConnectGetVersion(ConnectHandle conn, out nuint hvVer);

    [LibraryImport(Lib)]
    public static partial int virConnectListAllDomains(ConnectHandle conn, out nint* domains, uint flags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial DomainHandle virDomainLookupByName(ConnectHandle conn, string name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial DomainHandle virDomainLookupByUUIDString(ConnectHandle conn, string uuid);

    [LibraryImport(Lib)]
    public static partial DomainHandle virDomainLookupByID(ConnectHandle conn, int id);

    [LibraryImport(Lib)]
    public static partial int virDomainSuspend(DomainHandle domain);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial DomainHandle virDomainDefineXMLFlags(ConnectHandle conn, string xml, uint flags);

    [LibraryImport(Lib)]
    public static partial int virDomainFree(nint domain);

    [LibraryImport(Lib)]
    public static partial nint virDomainGetName(DomainHandle domain);

    [LibraryImport(Lib)]
    public static partial int virDomainGetUUIDString(DomainHandle domain, byte* buf);

    [LibraryImport(Lib)]
    public static partial int virDomainGetID(DomainHandle domain);

    [LibraryImport(Lib)]
    public static partial nint virDomainGetXMLDesc(DomainHandle domain, uint flags);

    [LibraryImport(Lib)]
    public static partial int virDomainGetState(DomainHandle domain, out int state, out int reason, uint flags);

    [LibraryImport(Lib)]
    public static partial int virDomainIsActive(DomainHandle domain);

    [LibraryImport(Lib)]
    public static partial int virDomainIsPersistent(DomainHandle domain);

    [LibraryImport(Lib)]
    public static partial int virDomainShutdown(DomainHandle domain);

    [LibraryImport(Lib)]
    public static partial int virDomainDestroy(DomainHandle domain);

    [LibraryImport(Lib)]
    public static partial int virDomainCreate(DomainHandle domain);

    [LibraryImport(Lib)]
    public static partial int virDomainUndefineFlags(DomainHandle domain, uint flags);

    [LibraryImport(Lib)]
    public static partial VirError* virGetLastError();

    [LibraryImport(Lib)]
    public static partial void virResetLastError();

    [LibraryImport(Lib)]
    public static partial void virSetErrorFunc(nint userData, delegate* unmanaged[Cdecl]<nint, nint, void> handler);

    /// <summary>The head of <c>struct _virError</c> (virterror.h); the fields after <c>level</c> are not read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct VirError
    {
        public int Code;
        public int Domain;
        public nint Message;
        public int Level;
    }

    /// <summary>Takes ownership of a string libvirt allocated: copies it and frees the C buffer.</summary>
    public static string? TakeString(nint ptr)
    {
        if (ptr == 0)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(ptr);
        }
        finally
        {
            NativeMemory.Free((void*)ptr);
        }
    }

    /// <summary>Copies a string libvirt owns (it must not be freed).</summary>
    public static string? TakeStringNoFree(nint ptr) => ptr == 0 ? null : Marshal.PtrToStringUTF8(ptr);

    private static int _errorHandlerInstalled;

    /// <summary>
    /// Installs a handler that ignores errors: without one, libvirt prints every error to stderr
    /// (virDefaultErrorFunc) before the caller sees it. Errors are read with virGetLastError instead.
    /// </summary>
    private static readonly Lock ErrorHandlerLock = new();

    public static void EnsureQuietErrors()
    {
        // Under a lock: a second thread must not open a connection before the first has installed the handler.
        lock (ErrorHandlerLock)
        {
            if (_errorHandlerInstalled == 0)
            {
                virSetErrorFunc(0, &IgnoreError);
                _errorHandlerInstalled = 1;
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void IgnoreError(nint userData, nint error)
    {
    }
}

/// <summary>A <c>virConnectPtr</c>; closed with virConnectClose.</summary>
internal sealed class ConnectHandle : SafeHandle
{
    public ConnectHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => NativeMethods.virConnectClose(handle) >= 0;
}

/// <summary>A <c>virDomainPtr</c>; released with virDomainFree.</summary>
internal sealed class DomainHandle : SafeHandle
{
    public DomainHandle()
        : base(0, ownsHandle: true)
    {
    }

    internal DomainHandle(nint existing)
        : base(0, ownsHandle: true) => SetHandle(existing);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => NativeMethods.virDomainFree(handle) == 0;
}
