using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Hosting;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>The composition root, for both hosts.</summary>
public static partial class Program
{
    public static void Main(string[] args)
    {
        if (WorkerHost.IsStartedByFunctionsHost(args))
        {
            BuildWorker(args).Run();
        }
        else
        {
            BuildSelfHost(args).Run();
        }
    }

    /// <summary>Started by the Azure Functions host: an isolated worker with ASP.NET Core integration.</summary>
    public static IHost BuildWorker(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        AddConversationApp(builder);
        return builder.Build();
    }

    /// <summary>Started alone: the same route and handler on Kestrel.</summary>
    public static WebApplication BuildSelfHost(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseDefaultUrl();
        AddConversationApp(builder);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapConversationEndpoint();
        return app;
    }

    private static void AddConversationApp(IHostApplicationBuilder builder)
    {
        builder.AddSecrets();
        builder.AddElevenLabs();
        builder.AddSessions();
        builder.AddInMemorySessionStore();
        builder.AddConversationApi();
        builder.Services.AddHostedService<StartupReport>();
    }
}
