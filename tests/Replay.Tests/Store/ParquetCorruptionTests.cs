using KernelSim.Replay.Formats;
using KernelSim.Replay.Store;
using KernelSim.Replay.Tests.Formats;
using KernelSim.Simulation;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Store;

/// <summary>Corrupt and truncated Parquet files end in a <see cref="TraceFormatException"/>, never another exception or a hang.</summary>
public class ParquetCorruptionTests
{
    private static readonly string Repro = Path.Combine(Fixtures.RepoRoot, "tests", "bad-inputs");

    // Generous: a case takes milliseconds; this only turns a hang into a failure naming the case.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static async Task<byte[]> ValidFileAsync()
    {
        var ms = new MemoryStream();
        await ParquetTraceStore.WriteAsync(Fixtures.ReadAllFile(Fixtures.Sample("ftrace-irqinfo.txt")), ms);
        return ms.ToArray();
    }

    // Reads the whole file both ways; returns null when it read (a harmless flip) or the TraceFormatException.
    private static async Task<Exception?> ReadBothWaysAsync(byte[] bytes, string name)
    {
        try
        {
            await ParquetTraceStore.SummarizeAsync(new MemoryStream(bytes), name);
            await foreach (RawEventRecord _ in ParquetTraceStore.ReadAsync(new MemoryStream(bytes), name))
            {
            }

            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    [Fact]
    public async Task Read_SeededBitFlipsAndTruncations_OnlyTraceFormatException()
    {
        byte[] valid = await ValidFileAsync();
        Assert.Null(await ReadBothWaysAsync(valid, "valid"));
        int rejected = 0;
        for (ulong seed = 1; seed <= 400; seed++)
        {
            var rng = new DeterministicRandom(seed);
            byte[] bytes;
            if (seed % 5 == 0)
            {
                bytes = valid.AsSpan(0, rng.NextInt32(valid.Length)).ToArray();
            }
            else
            {
                bytes = (byte[])valid.Clone();
                int flips = 1 + rng.NextInt32(4);
                for (int i = 0; i < flips; i++)
                {
                    // Half the flips land in the footer and the page headers' neighbourhood (the last 2 KiB and the first 256 bytes).
                    int at = rng.NextInt32(4) switch
                    {
                        0 => bytes.Length - 1 - rng.NextInt32(Math.Min(2048, bytes.Length)),
                        1 => rng.NextInt32(Math.Min(256, bytes.Length)),
                        _ => rng.NextInt32(bytes.Length),
                    };
                    bytes[at] ^= (byte)(1 << rng.NextInt32(8));
                }
            }

            Task<Exception?> read = Task.Run(() => ReadBothWaysAsync(bytes, "case" + seed));
            Exception? ex = await read.WaitAsync(HangGuard);
            if (ex is not null)
            {
                Assert.True(ex is TraceFormatException, $"seed {seed}: {ex}");
                Assert.Contains("case" + seed, ex.Message, StringComparison.Ordinal);
                rejected++;
            }
        }

        Assert.True(rejected > 200, $"only {rejected} of 400 mutations were rejected: the mutations miss the structure");
    }

    [Theory]
    [InlineData("fake.parquet", "footer length")]
    [InlineData("hang-footer.parquet", "varint")]
    public async Task Summarize_ReproFile_TraceFormatExceptionNamingFile(string name, string problem)
    {
        string path = Path.Combine(Repro, name);
        byte[] bytes = await File.ReadAllBytesAsync(path);
        Exception? ex = await Task.Run(() => ReadBothWaysAsync(bytes, path)).WaitAsync(HangGuard);
        TraceFormatException tfe = Assert.IsType<TraceFormatException>(ex);
        Assert.Contains(path, tfe.Message, StringComparison.Ordinal);
        Assert.Contains(problem, tfe.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summarize_FooterLengthPastStart_TraceFormatException()
    {
        byte[] bytes = await ValidFileAsync();
        BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 8), bytes.Length);
        TraceFormatException ex = Assert.IsType<TraceFormatException>(await ReadBothWaysAsync(bytes, "long-footer"));
        Assert.Contains("footer length", ex.Message, StringComparison.Ordinal);
    }
}
