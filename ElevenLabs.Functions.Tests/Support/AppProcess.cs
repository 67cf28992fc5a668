using System.Diagnostics;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>A started app process; killed with its children on dispose.</summary>
public sealed class AppProcess : IDisposable
{
    private readonly System.Text.StringBuilder _output = new();

    public AppProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>Polls the health route until the app answers 2xx; fails the test with the app's output if it exits or never does.</summary>
    public async Task WaitUntilServingAsync(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        for (var attempt = 0; attempt < 300 && !Process.HasExited; attempt++)
        {
            try
            {
                if ((await client.GetAsync("/elevenlabs-conversation")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        Assert.Fail("The app did not start serving:\n" + Output);
    }

    /// <summary>The route's first answer, whatever its status; null if the app exited first or never listened (60 s).</summary>
    public async Task<HttpResponseMessage?> FirstAnswerAsync(HttpClient client, string path = "/elevenlabs-conversation")
    {
        ArgumentNullException.ThrowIfNull(client);
        for (var attempt = 0; attempt < 300 && !Process.HasExited; attempt++)
        {
            try
            {
                return await client.GetAsync(path);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200); // not listening yet
            }
        }

        return null;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
        }

        Process.Dispose();
    }
}
