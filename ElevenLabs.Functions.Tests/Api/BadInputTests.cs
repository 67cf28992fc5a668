using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>Every malformed request gets a 400/413 in the envelope, with a message saying what is wrong, before any lookup.</summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class BadInputTests(HostKind host) : AppFixture(host)
{

    private static IEnumerable<TestCaseData> BadBodies()
    {
        var longText = new string('x', 257);
        yield return new TestCaseData("not json", "invalid_json", "JSON object").SetName("NotJson");
        yield return new TestCaseData("[1,2]", "invalid_json", "JSON object").SetName("ArrayBody");
        yield return new TestCaseData("\"create_session\"", "invalid_json", "JSON object").SetName("StringBody");
        yield return new TestCaseData("", "invalid_json", "empty").SetName("EmptyBody");
        yield return new TestCaseData("{}", "missing_action", "action").SetName("MissingAction");
        yield return new TestCaseData("""{"action":"delete_everything"}""", "unknown_action", "delete_everything").SetName("UnknownAction");
        yield return new TestCaseData("""{"action":42}""", "invalid_field", "action must be a string").SetName("ActionNotString");
        yield return new TestCaseData("""{"action":"create_session","userId":7}""", "invalid_field", "userId must be a string").SetName("UserIdNumber");
        yield return new TestCaseData("""{"action":"create_session","jobId":{"a":1}}""", "invalid_field", "jobId must be a string").SetName("JobIdObject");
        yield return new TestCaseData("""{"action":"create_session","metadata":"text"}""", "invalid_field", "metadata must be a JSON object").SetName("MetadataString");
        yield return new TestCaseData("""{"action":"create_session","metadata":[1]}""", "invalid_field", "metadata must be a JSON object").SetName("MetadataArray");
        yield return new TestCaseData($$"""{"action":"create_session","candidateId":"{{longText}}"}""", "field_too_long", "candidateId must be at most 256").SetName("CandidateIdTooLong");
        var bigNotes = new string('n', 17 * 1024);
        yield return new TestCaseData("{\"action\":\"create_session\",\"metadata\":{\"notes\":\"" + bigNotes + "\"}}", "metadata_too_large", "metadata must be at most 16 KiB").SetName("MetadataTooLarge");
        yield return new TestCaseData("""{"action":"get_signed_url"}""", "missing_conversation_id", "conversationId is required").SetName("MissingConversationId");
        yield return new TestCaseData("""{"action":"end_session","conversationId":5}""", "invalid_field", "conversationId must be a string").SetName("ConversationIdNumber");
        foreach (var id in new[] { "..", "a/b", "%2F", "x?updateMask.fieldPaths=status", "x#y", "a b", "ü", "", new string('a', 129) })
        {
            yield return new TestCaseData($$"""{"action":"end_session","conversationId":"{{id}}"}""", "invalid_conversation_id", "conversationId must match")
                .SetName($"ConversationIdRefused({id[..Math.Min(id.Length, 20)]})");
        }

        yield return new TestCaseData($$"""{"action":"get_signed_url","conversationId":"{{longText}}"}""", "field_too_long", "at most 256").SetName("ConversationIdOver256");
    }

    [TestCaseSource(nameof(BadBodies))]
    public async Task BadBodyIsRefusedWithAClearMessage(string body, string code, string messagePart)
    {
        var (status, answer, _) = await App.PostRawAsync(body);

        Assert.That(status, Is.EqualTo(400), answer.ToJsonString());
        ContractTests.AssertError(answer, code);
        Assert.That(answer["error"]!.GetValue<string>(), Does.Contain(messagePart));
        Assert.That(ElevenLabsApi.SignedUrlRequests, Is.Empty, "nothing is looked up for a bad request");
    }

    [Test]
    public async Task BodyOver64KiBIsTooLarge()
    {
        var body = $$"""{"action":"create_session","padding":"{{new string('p', 65 * 1024)}}"}""";

        var (status, answer, _) = await App.PostRawAsync(body);

        Assert.That(status, Is.EqualTo(413));
        ContractTests.AssertError(answer, "payload_too_large");
        Assert.That(answer["error"]!.GetValue<string>(), Does.Contain("64 KiB"));
    }

    [Test]
    public async Task ChunkedBodyOver64KiBIsTooLargeToo()
    {
        var content = new StreamContent(new MemoryStream(new byte[70 * 1024]));
        content.Headers.ContentLength = null;
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await App.Client.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(413));
        ContractTests.AssertError(await AppHost.ReadAsync(response), "payload_too_large");
    }

    [Test]
    public async Task NullOptionalFieldsAreTreatedAsAbsent()
    {
        var (status, answer, _) = await App.PostRawAsync("""{"action":"create_session","userId":null,"metadata":null}""");

        Assert.That(status, Is.EqualTo(200), answer.ToJsonString());
    }
}
