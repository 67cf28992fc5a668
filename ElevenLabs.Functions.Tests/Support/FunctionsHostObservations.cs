using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Support;

// What the stand-in Functions host saw, for tests.

/// <summary>One log line the worker sent the host over the stream (an RpcLog): what the host writes to its own log.</summary>
public sealed record WorkerLog(LogLevel Level, string Category, string Message, string? Exception, string? InvocationId);

/// <summary>An InvocationResponse the host received: which function, whether it succeeded, and the exception it reported.</summary>
public sealed record InvocationResult(string FunctionName, string InvocationId, bool Succeeded, string? Exception);

/// <summary>A request the front end forwarded to the worker: method, path and query, invocation id, and the headers as sent.</summary>
public sealed record ForwardedRequest(string Method, string PathAndQuery, string InvocationId, IReadOnlyDictionary<string, string> Headers);
