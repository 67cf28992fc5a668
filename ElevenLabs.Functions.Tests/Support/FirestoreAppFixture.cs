namespace ElevenLabs.Functions.Tests.Support;

/// <summary>The app on the Firestore and ElevenLabs stand-ins, through a service account.</summary>
public abstract class FirestoreAppFixture(HostKind host) : AppFixture<FirestoreRig>(host)
{
    protected FirestoreAppFixture() : this(HostKind.SelfHosted)
    {
    }

    protected FirestoreRig Rig => StandIns;
}
