namespace Recur.Tests;

public sealed class GeneratorStateTests
{
    [Fact]
    public void State_restores_every_later_draw_including_the_cached_normal()
    {
        var g = new Generator(7);
        g.NextNormal(); // leaves the second Box–Muller value cached
        var state = g.GetState();
        Assert.Equal(Generator.StateLength, state.Length);
        Assert.Equal(1, state[33]);
        var expected = new[] { g.NextNormal(), g.NextNormal(), g.NextDouble() };

        var h = new Generator(99);
        h.SetState(state);
        Assert.Equal(expected, new[] { h.NextNormal(), h.NextNormal(), h.NextDouble() });
    }

    [Fact]
    public void Invalid_states_are_rejected_and_change_nothing()
    {
        var g = new Generator(1);
        var before = g.GetState();
        Assert.Contains("42 bytes", Assert.Throws<ArgumentException>(() => g.SetState(new byte[5])).Message);
        var zero = new byte[Generator.StateLength];
        zero[0] = 1;
        Assert.Contains("all zero", Assert.Throws<ArgumentException>(() => g.SetState(zero)).Message);
        var flag = (byte[])before.Clone();
        flag[33] = 7;
        Assert.Contains("flag", Assert.Throws<ArgumentException>(() => g.SetState(flag)).Message);
        Assert.Equal(before, g.GetState());
    }
}
