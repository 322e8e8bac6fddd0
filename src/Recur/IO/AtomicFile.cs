using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Recur.IO;

/// <summary>
/// Replaces a file so that it is never lost or half-written: the bytes go to a temporary file in the target's
/// folder named <c>.{name}.{pid}.{random}.recur-tmp</c>, are flushed to disk, the temporary file is renamed over
/// the target, and (on Linux and macOS) the folder is flushed so the new name survives a power cut. On every
/// failure path the temporary file is deleted; one left by a killed process is removed by the next save of the
/// same target once its process is gone. Readers see the old complete file or the new one, never a mix.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>The suffix of temporary files, so that they can be recognised (and ignored or cleaned) by name.</summary>
    public const string TempSuffix = ".recur-tmp";

    /// <summary>Writes <paramref name="path"/> atomically with what <paramref name="write"/> puts in the stream.</summary>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    /// <exception cref="IOException">Writing, flushing or renaming failed (the previous file is untouched).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder", nameof(path));
        string name = Path.GetFileName(full);
        if (name.Length == 0) throw new ArgumentException($"'{path}' names a folder, not a file", nameof(path));
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot write {path}: folder {dir} does not exist");
        RemoveStale(dir, name);

        string temp = Path.Combine(dir, $".{name}.{Environment.ProcessId}.{Random.Shared.NextInt64():x16}{TempSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            // rename(2) on Unix, MoveFileEx(REPLACE_EXISTING) on Windows: atomic within one folder.
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp); // no-op when it was never created or already renamed
            throw;
        }
        FlushFolder(dir);
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));
    }

    /// <summary>
    /// Deletes temporary files of <paramref name="name"/> in <paramref name="dir"/> whose writing process has exited:
    /// they are what a <c>kill -9</c> during a save leaves. Files of live processes (a save in progress) are kept.
    /// </summary>
    internal static int RemoveStale(string dir, string name)
    {
        int removed = 0;
        string prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(dir, "*" + TempSuffix).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (var file in candidates)
        {
            string fileName = Path.GetFileName(file);
            if (!fileName.StartsWith(prefix, StringComparison.Ordinal)) continue;
            // .{name}.{pid}.{16 hex}.recur-tmp: the name itself may contain dots, so parse from the end.
            var rest = fileName[prefix.Length..^TempSuffix.Length].Split('.');
            if (rest.Length != 2 || rest[1].Length != 16 || !int.TryParse(rest[0], out int pid)) continue;
            // Our own pid: a save in progress on another thread of this process.
            if (pid == Environment.ProcessId || IsAlive(pid)) continue;
            if (TryDelete(file)) removed++;
        }
        return removed;
    }

    private static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // .NET cannot open a folder as a FileStream, so fsync(2) it through libc. Windows has no equivalent (NTFS
    // journals the rename); a failure here is ignored: the data itself is already on disk.
    private static void FlushFolder(string dir)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())) return;
        try
        {
            int fd = Native.Open(dir, 0 /* O_RDONLY */);
            if (fd < 0) return;
            Native.Fsync(fd);
            Native.Close(fd);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        internal static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int fd);
    }
}
