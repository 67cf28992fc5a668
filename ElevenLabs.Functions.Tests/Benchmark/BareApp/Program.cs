using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

// GET /elevenlabs-conversation answers healthy, as the app's health check does; nothing else.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/elevenlabs-conversation", () => Results.Json(new { success = true, status = "healthy", service = "elevenlabs-conversation" }));
app.Run();
