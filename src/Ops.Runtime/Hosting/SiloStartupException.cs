namespace Ops.Runtime.Hosting;

/// <summary>
/// The silo cannot start as configured. The message is one line saying what is wrong and what to change; the host
/// prints it and exits with a non-zero code.
/// </summary>
public sealed class SiloStartupException : Exception
{
    public SiloStartupException()
    {
    }

    public SiloStartupException(string message)
        : base(message)
    {
    }

    public SiloStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
