namespace ElevenLabs.Functions.Api;

/// <summary>The request is not acceptable; carries the answer to give.</summary>
public sealed class ApiRequestException(ApiError error) : Exception(error.Message)
{
    public ApiError Error { get; } = error;
}
