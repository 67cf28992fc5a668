using System.Text;
using ElevenLabs.Functions.Api;

namespace ElevenLabs.Functions.Tests.Api;

/// <summary>The parser alone, no server: each body becomes its command, or the error the client is given.</summary>
[TestFixture]
public sealed class ConversationRequestParserTests
{
    private static ConversationCommand Parse(string body) => ConversationRequestParser.Parse(Encoding.UTF8.GetBytes(body));

    private static ApiError Rejection(string body) =>
        Assert.Throws<ApiRequestException>(() => Parse(body))!.Error;

    [Test]
    public void CreateSessionCarriesEveryField()
    {
        var command = Parse("""{"action":"create_session","userId":"u","candidateId":"c","jobId":"j","metadata":{"a":[1,{"b":null}]}}""");

        var create = (CreateSession)command;
        Assert.That(create.Action, Is.EqualTo("create_session"));
        Assert.That(create.ConversationId, Is.Null);
        Assert.That((create.Session.UserId, create.Session.CandidateId, create.Session.JobId), Is.EqualTo(("u", "c", "j")));
        Assert.That(create.Session.Metadata.GetRawText(), Is.EqualTo("""{"a":[1,{"b":null}]}"""));
    }

    [Test]
    public void CreateSessionWithoutMetadataHasAnEmptyObject()
    {
        var create = (CreateSession)Parse("""{"action":"create_session","metadata":null}""");

        Assert.That(create.Session.Metadata.GetRawText(), Is.EqualTo("{}"));
        Assert.That(create.Session.UserId, Is.Null);
    }

    [TestCase("get_signed_url", typeof(GetSignedUrl))]
    [TestCase("end_session", typeof(EndSession))]
    [TestCase("get_session", typeof(GetSession))]
    [TestCase("get_conversation_token", typeof(GetConversationToken))]
    public void SessionActionsCarryTheirConversationId(string action, Type type)
    {
        var command = Parse($$"""{"action":"{{action}}","conversationId":"conv_123456"}""");

        Assert.That(command, Is.TypeOf(type));
        Assert.That(command.Action, Is.EqualTo(action));
        Assert.That(command.ConversationId, Is.EqualTo("conv_123456"));
    }

    [Test]
    public void EveryActionNamedInTheListParses()
    {
        foreach (var action in ConversationRequestParser.Actions)
        {
            var command = Parse($$"""{"action":"{{action}}","conversationId":"conv_1"}""");
            Assert.That(command.Action, Is.EqualTo(action));
        }
    }

    [TestCase("", 400, "invalid_json")]
    [TestCase("not json", 400, "invalid_json")]
    [TestCase("[]", 400, "invalid_json")]
    [TestCase("{}", 400, "missing_action")]
    [TestCase("""{"action":42}""", 400, "invalid_field")]
    [TestCase("""{"action":"delete_everything"}""", 400, "unknown_action")]
    [TestCase("""{"action":"get_signed_url"}""", 400, "missing_conversation_id")]
    [TestCase("""{"action":"end_session","conversationId":"../x"}""", 400, "invalid_conversation_id")]
    [TestCase("""{"action":"get_session"}""", 400, "missing_conversation_id")]
    [TestCase("""{"action":"get_conversation_token","conversationId":"a/b"}""", 400, "invalid_conversation_id")]
    [TestCase("""{"action":"get_conversation_token","metadata":"x"}""", 400, "invalid_field")]
    [TestCase("""{"action":"create_session","userId":7}""", 400, "invalid_field")]
    [TestCase("""{"action":"create_session","metadata":[1]}""", 400, "invalid_field")]
    public void BadBodiesAreRejectedWithTheirCode(string body, int status, string code)
    {
        var error = Rejection(body);

        Assert.That((error.StatusCode, error.Code), Is.EqualTo((status, code)), error.Message);
        Assert.That(error.Message, Is.Not.Empty);
    }

    [Test]
    public void AnUnknownActionIsToldTheActionsThereAre()
    {
        var error = Rejection("""{"action":"start"}""");

        Assert.That(error.Message, Does.Contain("create_session").And.Contain("get_signed_url").And.Contain("end_session")
            .And.Contain("get_conversation_token").And.Contain("get_session"));
    }

    [Test]
    public void LimitsAreEnforcedWithTheirOwnCodes()
    {
        var longField = new string('x', ConversationRequestParser.MaxFieldLength + 1);
        var bigMetadata = new string('y', ConversationRequestParser.MaxMetadataBytes);

        Assert.That(Rejection($$"""{"action":"create_session","jobId":"{{longField}}"}""").Code, Is.EqualTo("field_too_long"));
        Assert.That(Rejection($$$"""{"action":"create_session","metadata":{"m":"{{{bigMetadata}}}"}}""").Code, Is.EqualTo("metadata_too_large"));
    }
}
