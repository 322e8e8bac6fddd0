using Recur.Kernels;
using Recur.Parity;

namespace Recur.Tests.Kernels;

/// <summary>
/// Every optimisation can be switched off, and the golden cases still pass with each one off: the fast paths are
/// checked against PyTorch and against the plain paths at the same time.
/// </summary>
[Collection(nameof(KernelSwitches))]
public class SwitchParityTests
{
    public static IEnumerable<object[]> Switches() =>
        new[] { "no-simd", "no-pack", "no-hoist", "one-thread", "vector512", "vector256" }.Select(s => new object[] { s });

    [Theory, MemberData(nameof(Switches))]
    public void GoldenCasesPassWithTheSwitchOff(string which)
    {
        var saved = (KernelOptions.UseSimd, KernelOptions.PackWeights, KernelOptions.HoistInputProjection, KernelOptions.MaxThreads, KernelOptions.Width);
        try
        {
            switch (which)
            {
                case "no-simd": KernelOptions.UseSimd = false; break;
                case "no-pack": KernelOptions.PackWeights = false; break;
                case "no-hoist": KernelOptions.HoistInputProjection = false; break;
                case "one-thread": KernelOptions.MaxThreads = 1; break;
                case "vector512": KernelOptions.Width = VectorWidth.Vector512; break; // emulated where the CPU lacks AVX-512
                case "vector256": KernelOptions.Width = VectorWidth.Vector256; break; // the AVX2 path on an AVX-512 machine
            }
            var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden"), "*.json", SearchOption.AllDirectories);
            var failed = files.Select(GoldenRunner.Run).Where(r => r.Status != CaseStatus.Pass)
                .Select(r => $"{r.Name}: {r.Status} {r.Message} {string.Join(", ", r.Checks.Where(c => !c.Pass).Select(c => c.Name))}").ToList();
            Assert.True(failed.Count == 0, $"with {which}: " + string.Join("; ", failed));
        }
        finally
        {
            (KernelOptions.UseSimd, KernelOptions.PackWeights, KernelOptions.HoistInputProjection, KernelOptions.MaxThreads, KernelOptions.Width) = saved;
        }
    }
}
