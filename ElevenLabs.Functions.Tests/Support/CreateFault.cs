namespace ElevenLabs.Functions.Tests.Support;

/// <summary>What <see cref="FirestoreStandIn"/> does to a create instead of answering it plainly: the network and timing faults a real create can meet.</summary>
public enum CreateFault
{
    /// <summary>The write is applied, then the connection is cut before any answer: the caller cannot tell it landed.</summary>
    LoseAnswer,

    /// <summary>The create is processed as usual (applied, or ALREADY_EXISTS), but answered only once the caller has given up (a write slower than its time-out).</summary>
    AnswerAfterCallerGaveUp,

    /// <summary>Another writer's document appears under the id just before the create is processed: ALREADY_EXISTS for a document that is not the caller's.</summary>
    AnotherWriterFirst,
}
