using Recur.PersistCheck;

// recur-persist-check resume-full <stop> <total> | resume-first <path> <stop> | resume-second <path> <total> | save-loop <path> <start> <count>
try
{
    switch (args)
    {
        case ["resume-full", var stop, var total]:
            ResumeProgram.Uninterrupted(int.Parse(stop), int.Parse(total)).ForEach(Console.WriteLine);
            return 0;
        case ["resume-first", var path, var stop]:
            ResumeProgram.First(path, int.Parse(stop));
            return 0;
        case ["resume-second", var path, var total]:
            ResumeProgram.Second(path, int.Parse(total)).ForEach(Console.WriteLine);
            return 0;
        case ["save-loop", var path, var start, var count]:
            SaveLoop.Run(path, int.Parse(start), int.Parse(count));
            return 0;
        default:
            Console.Error.WriteLine("usage: Recur.PersistCheck resume-full STOP TOTAL | resume-first PATH STOP | resume-second PATH TOTAL | save-loop PATH START COUNT");
            return 2;
    }
}
catch (Exception e) when (e is IOException or FormatException or ArgumentException)
{
    Console.Error.WriteLine($"Recur.PersistCheck: {e.Message}");
    return 1;
}
