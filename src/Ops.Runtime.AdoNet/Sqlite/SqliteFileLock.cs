namespace Ops.Runtime.AdoNet.Sqlite;

/// <summary>
/// An exclusive OS lock on "&lt;database&gt;.silo-lock": held while a silo serves the database, released when it stops
/// or its process dies, so a second process (or a second silo in the same process) cannot serve the same file.
/// Who holds it is written to "&lt;database&gt;.silo-lock.info" for the message the next one prints.
/// </summary>
internal sealed class SqliteFileLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _infoPath;

    private SqliteFileLock(FileStream fileLock, string infoPath)
    {
        _lock = fileLock;
        _infoPath = infoPath;
    }

    public static SqliteFileLock Acquire(string databasePath, string holder)
    {
        var lockPath = databasePath + ".silo-lock";
        var infoPath = lockPath + ".info";
        FileStream fileLock;
        try
        {
            fileLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var heldBy = File.Exists(infoPath) ? File.ReadAllText(infoPath).Trim() : "unknown process";
            throw new Storage.StoreInUseException(
                $"The SQLite database {databasePath} is in use by another silo ({heldBy}). A SQLite database is served by exactly one silo: stop the other one, or point Storage:DataDirectory at another directory; use PostgreSQL to run several silos.");
        }

        File.WriteAllText(infoPath, holder);
        return new SqliteFileLock(fileLock, infoPath);
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_infoPath);
        }
        catch (IOException)
        {
        }

        _lock.Dispose();
    }
}
