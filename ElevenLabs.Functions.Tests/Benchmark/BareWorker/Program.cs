using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// One HTTP function on /elevenlabs-conversation: the body drained, a fixed JSON answered; nothing else.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Build().Run();

public sealed class EchoFunction
{
    [Function("elevenlabs-conversation")]
    public static async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, Route = "elevenlabs-conversation")] HttpRequest request, CancellationToken cancellationToken)
    {
        await request.Body.CopyToAsync(Stream.Null, cancellationToken);
        return Results.Json(new { success = true, status = "healthy", service = "elevenlabs-conversation" });
    }
}
