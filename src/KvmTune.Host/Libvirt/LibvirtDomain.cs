using System.Text;

namespace KvmTune.Host.Libvirt;

/// <summary>libvirt's virDomainState.</summary>
public enum DomainState
{
    NoState = 0,
    Running = 1,
    Blocked = 2,
    Paused = 3,
    Shutdown = 4,
    Shutoff = 5,
    Crashed = 6,
    PmSuspended = 7,
}

/// <summary>One domain of a <see cref="LibvirtConnection"/>. Every failure is a <see cref="LibvirtException"/>.</summary>
public sealed class LibvirtDomain : IDisposable
{
    private readonly DomainHandle _handle;

    internal LibvirtDomain(DomainHandle handle, LibvirtConnection connection)
    {
        _handle = handle;
        Connection = connection;
        Name = NativeMethods.TakeStringNoFree(NativeMethods.virDomainGetName(handle)) ?? throw LibvirtException.FromLastError("virDomainGetName");
    }

    /// <summary>The connection the domain was obtained from.</summary>
    public LibvirtConnection Connection { get; }

    /// <summary>The domain's name.</summary>
    public string Name { get; }

    /// <summary>The domain's UUID.</summary>
    public unsafe string Uuid
    {
        get
        {
            // VIR_UUID_STRING_BUFLEN = 37
            var buf = stackalloc byte[37];
            if (NativeMethods.virDomainGetUUIDString(_handle, buf) != 0)
            {
                throw Fail("virDomainGetUUIDString");
            }
            return Encoding.ASCII.GetString(buf, 36);
        }
    }

    /// <summary>The hypervisor id of a running domain, or null when it is not running.</summary>
    public int? Id
    {
        get
        {
            var id = NativeMethods.virDomainGetID(_handle);
            return id == -1 ? null : id;
        }
    }

    /// <summary>The persistent definition (VIR_DOMAIN_XML_INACTIVE): what the next cold start uses.</summary>
    public string PersistentXml => GetXml(NativeMethods.XmlInactive);

    /// <summary>The live definition of a running domain (the persistent one when shut off).</summary>
    public string LiveXml => GetXml(0);

    private string GetXml(uint flags) =>
        NativeMethods.TakeString(NativeMethods.virDomainGetXMLDesc(_handle, flags)) ?? throw Fail($"virDomainGetXMLDesc(flags={flags})");

    /// <summary>The domain's state and libvirt's reason code for it.</summary>
    public (DomainState State, int Reason) StateAndReason =>
        NativeMethods.virDomainGetState(_handle, out var state, out var reason, 0) == 0 ? ((DomainState)state, reason) : throw Fail("virDomainGetState");

    /// <summary>The domain's state.</summary>
    public DomainState State => StateAndReason.State;

    /// <summary>True while the domain runs (any state but shut off).</summary>
    public bool IsActive => Bool(NativeMethods.virDomainIsActive(_handle), "virDomainIsActive");

    /// <summary>True when the domain has a persistent definition.</summary>
    public bool IsPersistent => Bool(NativeMethods.virDomainIsPersistent(_handle), "virDomainIsPersistent");

    /// <summary>Asks the guest to shut down (ACPI); returns at once.</summary>
    public void Shutdown() => Check(NativeMethods.virDomainShutdown(_handle), "virDomainShutdown");

    /// <summary>Stops the domain at once (power off).</summary>
    public void Destroy() => Check(NativeMethods.virDomainDestroy(_handle), "virDomainDestroy");

    /// <summary>Pauses a running domain (virDomainSuspend): its QEMU process stays, its vCPUs stop.</summary>
    public void Suspend() => Check(NativeMethods.virDomainSuspend(_handle), "virDomainSuspend");

    /// <summary>Starts the persistent domain (virDomainCreate).</summary>
    public void Start() => Check(NativeMethods.virDomainCreate(_handle), "virDomainCreate");

    /// <summary>Removes the persistent definition (a running domain becomes transient).</summary>
    public void Undefine() => Check(NativeMethods.virDomainUndefineFlags(_handle, 0), "virDomainUndefine");

    /// <summary>
    /// Shuts the domain down gracefully, waiting up to <paramref name="timeout"/>, then destroys it if it still runs.
    /// Returns true when the graceful shutdown was enough.
    /// </summary>
    public bool ShutdownOrDestroy(TimeSpan timeout)
    {
        if (!IsActive)
        {
            return true;
        }
        try
        {
            Shutdown();
        }
        catch (LibvirtException)
        {
            // The guest cannot be asked (no ACPI, agent missing): power it off.
            if (!IsActive)
            {
                return true;
            }
            Destroy();
            return false;
        }
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!IsActive)
            {
                return true;
            }
            Thread.Sleep(200);
        }
        if (IsActive)
        {
            Destroy();
        }
        return false;
    }

    private LibvirtException Fail(string operation) => LibvirtException.FromLastError($"{operation} on '{Name}'");

    private void Check(int result, string operation)
    {
        if (result < 0)
        {
            throw Fail(operation);
        }
    }

    private bool Bool(int result, string operation) => result switch
    {
        < 0 => throw Fail(operation),
        0 => false,
        _ => true,
    };

    public void Dispose() => _handle.Dispose();
}
