namespace KernelSim.Replay.Formats;

/// <summary>
/// Per-user places for files ksim writes on its own: a temp folder for spooled pipe input and a
/// cache folder for the embedded captures. Both are created owner-only (0700) so other users can
/// neither read nor plant files there.
/// </summary>
internal static class UserDirectories
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Mode for files created in these folders (0600).</summary>
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The per-user temp folder: <c>$TMPDIR/ksim-USER</c>, 0700.</summary>
    /// <exception cref="IOException">The folder exists but is open to other users (somebody else made it).</exception>
    public static string Temp() => OwnerOnlyDirectory(Path.Combine(Path.GetTempPath(), "ksim-" + SafeUserName()));

    /// <summary>The per-user cache folder: <c>$XDG_CACHE_HOME/ksim</c>, else <c>~/.cache/ksim</c>, else a folder under <see cref="Temp"/>.</summary>
    public static string Cache()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string? home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string? root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg
            : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache")
            : null;
        return root is null ? OwnerOnlyDirectory(Path.Combine(Temp(), "cache")) : OwnerOnlyDirectory(Path.Combine(root, "ksim"));
    }

    /// <summary>Creates a new owner-only (0600 on Unix) file that fails rather than open an existing one.</summary>
    public static FileStream CreateNew(string path, FileAccess access = FileAccess.Write, FileOptions options = FileOptions.None)
    {
        var o = new FileStreamOptions { Mode = FileMode.CreateNew, Access = access, Share = FileShare.Read, Options = options, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows())
        {
            o.UnixCreateMode = OwnerReadWrite;
        }

        return new FileStream(path, o);
    }

    private static string OwnerOnlyDirectory(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dir);
            return dir;
        }

        Directory.CreateDirectory(dir, OwnerOnly);

        // CreateDirectory leaves an existing folder as it is: refuse one that others can enter. A 0700
        // folder we can write to is ours (only its owner may write there).
        UnixFileMode mode = File.GetUnixFileMode(dir);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
        {
            throw new IOException($"{dir} is open to other users (mode {Convert.ToString((int)mode, 8)}); remove it or make it 0700");
        }

        return dir;
    }

    private static string SafeUserName()
    {
        string name = Environment.UserName;
        Span<char> safe = stackalloc char[Math.Min(name.Length, 64)];
        for (int i = 0; i < safe.Length; i++)
        {
            char c = name[i];
            safe[i] = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_';
        }

        return safe.IsEmpty ? "user" : new string(safe);
    }
}
