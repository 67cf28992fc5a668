namespace ElevenLabs.Functions.Auth;

/// <summary>Settings of <c>Auth:Firebase</c>.</summary>
public sealed class FirebaseAuthOptions
{
    /// <summary><c>Auth:Firebase:ProjectId</c>: the Firebase project whose ID tokens are accepted (issuer and audience).</summary>
    public string ProjectId { get; set; } = "replit-4f946";

    /// <summary>The issuer Firebase writes into this project's ID tokens.</summary>
    public string Issuer => "https://securetoken.google.com/" + ProjectId;
}
