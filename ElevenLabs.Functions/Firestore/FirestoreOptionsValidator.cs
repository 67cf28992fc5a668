using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Checks <see cref="FirestoreOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class FirestoreOptionsValidator : IValidateOptions<FirestoreOptions>;
