namespace ElevenLabs.Functions.Tests.Support;

/// <summary>The app on the Firestore and ElevenLabs stand-ins, through a service account.</summary>
public abstract class FirestoreAppFixture : AppFixture<FirestoreRig>
{
    protected FirestoreRig Rig => StandIns;
}
