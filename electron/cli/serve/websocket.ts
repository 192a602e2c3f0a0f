// The WebSocket transport of the contract: many requests and streams over one socket, each
// tagged with the id the client chose. Every message is validated; a malformed one gets an error
// reply and the socket stays up.
import type { WebSocket } from 'ws';
import { ClientMessage, type ServerMessage } from '../../../shared/api/wire';
import { ApiError, describeIssues } from '../../../shared/api/errors';
import type { ApiRouter } from '../../host/api/router';

/** A viewer that cannot keep up loses waveform samples rather than the workstation's memory. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function bindWebSocket(socket: WebSocket, router: ApiRouter, actor: string): void {
  const subscriptions = new Map<number, () => void>();
  const send = (message: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const sendError = (id: number | null, error: unknown) => {
    const apiError =
      error instanceof ApiError ? error : new ApiError('internal', 'Unexpected error.');
    send({ type: 'error', id, error: apiError.toShape() });
  };

  socket.on('message', (data, isBinary) => {
    let message: ClientMessage;
    try {
      if (isBinary)
        throw new ApiError('invalid_request', 'Binary messages are not part of the contract.');
      const parsed = ClientMessage.safeParse(JSON.parse(String(data)));
      if (!parsed.success)
        throw new ApiError('invalid_request', describeIssues('message', parsed.error));
      message = parsed.data;
    } catch (error) {
      sendError(
        null,
        error instanceof ApiError
          ? error
          : new ApiError('invalid_request', 'Message is not valid JSON.'),
      );
      return;
    }

    switch (message.type) {
      case 'request': {
        const { id } = message;
        router.request(message.method, message.params, { actor }).then(
          (result) => send({ type: 'response', id, result }),
          (error: unknown) => sendError(id, error),
        );
        break;
      }
      case 'subscribe': {
        const { id } = message;
        subscriptions.get(id)?.();
        try {
          const unsubscribe = router.subscribe(message.stream, message.params, (event) => {
            const isSamples = (event as { type?: string }).type === 'samples';
            if (isSamples && socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
            send({ type: 'event', id, event });
          });
          subscriptions.set(id, unsubscribe);
        } catch (error) {
          sendError(id, error);
        }
        break;
      }
      case 'unsubscribe':
        subscriptions.get(message.id)?.();
        subscriptions.delete(message.id);
        break;
    }
  });

  socket.on('close', () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
  });
}
