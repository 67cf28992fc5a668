namespace ElevenLabs.Functions.Tests.Support;

/// <summary>An answer of the app that its OpenAPI document does not describe.</summary>
public sealed class OpenApiContractException(string message) : Exception(message);
