namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// On the shared test client: every answer from <c>/elevenlabs-conversation...</c> and <c>/elevenlabs-webhook</c> is checked against the app's OpenAPI
/// document before the test sees it, so a contract test fails when the code answers something the document does not
/// describe (a new code, a new field, a new status). Update <c>ElevenLabs.Functions/OpenApi/openapi.json</c> then.
/// </summary>
public sealed class OpenApiValidatingHandler(OpenApiContract contract, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const string PathPrefix = "/elevenlabs-conversation";
    public const string WebhookPath = "/elevenlabs-webhook";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (!path.StartsWith(PathPrefix, StringComparison.Ordinal) && path != WebhookPath)
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken); // the test reads it again
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problems = contract.Problems(request.Method.Method, path, (int)response.StatusCode, response.Headers, response.Content.Headers, body);
        if (problems.Count == 0)
        {
            contract.Record(request.Method.Method, path, (int)response.StatusCode, body);
            return response;
        }

        throw new OpenApiContractException(
            $"{request.Method} {path} answered {(int)response.StatusCode}, which ElevenLabs.Functions/OpenApi/openapi.json does not describe: "
            + string.Join(" | ", problems));
    }
}
