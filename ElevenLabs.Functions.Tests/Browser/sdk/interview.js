// The interview client docs/api.md shows under "The client code" (the browser test runs this very file).
// `Conversation` is the SDK's: `import { Conversation } from '@elevenlabs/client'`.
const FUNCTION_URL = window.FUNCTION_URL ?? 'https://<your-app>.azurewebsites.net/elevenlabs-conversation';

async function callFunction(body) {
  const response = await fetch(FUNCTION_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!answer.success) throw new Error(`${answer.code}: ${answer.error}`);
  return answer;
}

async function startInterview({ userId, candidateId, jobId, metadata }, callbacks = {}) {
  const session = await callFunction({ action: 'create_session', userId, candidateId, jobId, metadata });
  let conversation;
  let ending = false;

  // Every answer that carries a signed URL also says what to pass on: the session id travels as a dynamic
  // variable, so ElevenLabs' post-call webhook comes back to this session.
  const connect = async (answer) => {
    conversation = await Conversation.startSession({
      signedUrl: answer.signedUrl,
      dynamicVariables: answer.conversationInitiation.dynamicVariables,
      userId,
      ...callbacks,
      onDisconnect: async (details) => {
        callbacks.onDisconnect?.(details);
        if (details.reason === 'error' && !ending) {
          // The socket dropped. A signed URL starts one conversation only: ask for a fresh one for this session.
          await connect(await callFunction({ action: 'get_signed_url', conversationId: session.conversationId }));
        }
      },
    });
  };

  await connect(session);
  return {
    conversationId: session.conversationId,
    end: async () => {
      ending = true;
      await conversation.endSession();
      return callFunction({ action: 'end_session', conversationId: session.conversationId });
    },
  };
}
