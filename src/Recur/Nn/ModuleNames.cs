namespace Recur.Nn;

/// <summary>Checks shared by the containers: child names PyTorch accepts, and Python-style indexing.</summary>
internal static class ModuleNames
{
    /// <summary>The name, if PyTorch would register it (not empty, no dot).</summary>
    public static string Checked(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) throw new ArgumentException("module name can't be empty string \"\"");
        if (name.Contains('.'))
            throw new ArgumentException($"module name can't contain \".\", got: {(name.Length <= 80 ? name : name[..77] + "...")}");
        return name;
    }

    /// <summary>A Python index (negative from the end) into a container of <paramref name="count"/> items.</summary>
    public static int Index(int index, int count)
    {
        int i = index < 0 ? index + count : index;
        if ((uint)i >= (uint)count) throw new IndexOutOfRangeException($"index {index} is out of range");
        return i;
    }
}
