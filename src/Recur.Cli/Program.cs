namespace Recur.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("recur: commands arrive with the core (sine, parity, forecast, predict, bench)");
        return 0;
    }
}
