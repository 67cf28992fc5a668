using System.Text;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>The Azure Functions entry point, called as the worker calls it: a real HttpRequest, an IResult back.</summary>
[TestFixture]
public sealed class ConversationFunctionTests : AppFixture
{

    private Task<(int Status, JsonObject Body, HttpResponse Response)> InvokeAsync(string method, string? body = null) =>
        InvokeAsync(App, method, body);

    /// <summary>Calls the function class of <paramref name="app"/> as the worker does, with a bearer token if given.</summary>
    public static async Task<(int Status, JsonObject Body, HttpResponse Response)> InvokeAsync(AppHost app, string method, string? body = null, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope(); // the worker activates the function per invocation, in a scope
        var function = ActivatorUtilities.CreateInstance<ConversationFunction>(scope.ServiceProvider);
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = method;
        context.Request.Path = "/elevenlabs-conversation";
        if (token is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + token;
        }
        if (body is not null)
        {
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        }

        var output = new MemoryStream();
        context.Response.Body = output;

        var result = await function.RunAsync(context.Request, CancellationToken.None);
        await result.ExecuteAsync(context); // what the worker's ASP.NET Core integration does with an IResult

        var text = Encoding.UTF8.GetString(output.ToArray());
        return (context.Response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject(), context.Response);
    }

    [Test]
    public async Task GetReturnsHealth()
    {
        var (status, body, response) = await InvokeAsync("GET");

        Assert.That(status, Is.EqualTo(200));
        Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
        Assert.That(response.ContentType, Does.StartWith("application/json"));
    }

    [Test]
    public async Task CreateSessionThroughTheFunctionReturnsTheSignedUrl()
    {
        var (status, body, _) = await InvokeAsync("POST", """{"action":"create_session","userId":"user123","metadata":{"source":"ai-interview-client"}}""");

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        Assert.That(body["signedUrl"]!.GetValue<string>(), Is.EqualTo(ElevenLabsApi.SignedUrl));
        Assert.That(body["conversationId"]!.GetValue<string>(), Does.StartWith("conv_"));
    }

    [Test]
    public async Task BadBodyThroughTheFunctionIsTheSameEnvelope()
    {
        var (status, body, _) = await InvokeAsync("POST", "[]");

        Assert.That(status, Is.EqualTo(400));
        ContractTests.AssertError(body, "invalid_json");
    }
}
