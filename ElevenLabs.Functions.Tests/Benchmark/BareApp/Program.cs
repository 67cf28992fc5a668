using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

// GET /elevenlabs-conversation answers healthy, as the app's health check does; a POST drains its body and answers the
// same (the bare forwarded hop's direct side, beside BareWorker under the stand-in host); nothing else.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/elevenlabs-conversation", () => Results.Json(new { success = true, status = "healthy", service = "elevenlabs-conversation" }));
app.MapPost("/elevenlabs-conversation", async (HttpRequest request) =>
{
    await request.Body.CopyToAsync(Stream.Null, request.HttpContext.RequestAborted);
    return Results.Json(new { success = true, status = "healthy", service = "elevenlabs-conversation" });
});
app.Run();
