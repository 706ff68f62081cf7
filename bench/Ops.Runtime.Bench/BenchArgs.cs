using System.Globalization;

namespace Ops.Runtime.Bench;

/// <summary>A benchmark's command line: <c>--name value</c> options, each falling back to a default when absent.</summary>
internal static class BenchArgs
{
    public static string StringArg(this string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    public static int IntArg(this string[] args, string name, int fallback) =>
        int.Parse(args.StringArg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
