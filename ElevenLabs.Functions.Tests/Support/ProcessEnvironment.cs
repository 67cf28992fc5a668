namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// Environment variables of this test process, set until disposed and then put back as they were. For what only the
/// process environment can say, such as Azure's <c>IDENTITY_ENDPOINT</c> (Azure.Identity reads it there and nowhere else).
/// Tests run one at a time (no fixture here is parallelizable), so no other test sees the values meanwhile.
/// </summary>
public sealed class ProcessEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> _previous = [];

    private ProcessEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        foreach (var (name, value) in variables)
        {
            _previous[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public static ProcessEnvironment Set(IReadOnlyDictionary<string, string> variables) => new(variables);

    public void Dispose()
    {
        foreach (var (name, value) in _previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
