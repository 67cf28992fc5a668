using Microsoft.Extensions.Configuration;

namespace ElevenLabs.Functions.Hosting;

/// <summary>Tells whether the Azure Functions host started this process as its worker.</summary>
public static class WorkerHost
{
    /// <summary>The setting the worker dials the host's gRPC endpoint at.</summary>
    public const string HostEndpointKey = "Functions:Worker:HostEndpoint";

    /// <summary>
    /// The host passes <c>--functions-uri</c> (mapped to <c>Functions:Worker:HostEndpoint</c> by the worker)
    /// and, for older workers, <c>--host</c>/<c>--port</c>. Without them there is no host to serve HTTP for us.
    /// </summary>
    public static bool IsStartedByFunctionsHost(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args, new Dictionary<string, string> { ["--functions-uri"] = HostEndpointKey })
            .Build();
        return !string.IsNullOrWhiteSpace(configuration[HostEndpointKey])
            || (!string.IsNullOrWhiteSpace(configuration["host"]) && !string.IsNullOrWhiteSpace(configuration["port"]) && !string.IsNullOrWhiteSpace(configuration["workerId"]));
    }
}
