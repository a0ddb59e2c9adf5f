import type { RecordStore } from '../storage/types';
import { invalidRequest } from '../http/errors';
import { AnthropicDetailedError } from './errors';
import type { ContentBlockOut } from './message-output';
import type { AnthropicMessage, MessagesRequest } from './request-schema';

/**
 * Message threads (`thread: {"type":"create"}` / `{"type":"continue","previous_message_id"}`):
 * the server holds the conversation between turns, so each request sends only its new messages.
 * Recent `@anthropic-ai/sdk` tool runners thread by default. A create stores the request (every
 * field but `messages`, `stream` and `thread`) and the whole history with the reply under the
 * reply's message id; a continue starts from that, its own fields winning, and is stored again
 * under its own reply. An unknown id answers `thread_not_found`, on which the SDK resends the
 * full history in a new thread.
 */

export const THREADS_COLLECTION = 'anthropic_threads';
/** How long a thread can be continued; a later continue is a `thread_not_found` (the SDK recovers). */
const RETENTION_MS = 7 * 24 * 3600 * 1000;

type ThreadFields = Omit<MessagesRequest, 'messages' | 'stream' | 'thread'>;

interface StoredThread {
  fields: ThreadFields;
  messages: AnthropicMessage[];
}

export interface ThreadedRequest {
  /** The request to answer: the stored thread with this request on top. */
  body: MessagesRequest;
  /** Whether the answer is stored as the thread's next step. */
  threaded: boolean;
}

const definedFields = (body: MessagesRequest): Partial<ThreadFields> => {
  const { messages: _messages, stream: _stream, thread: _thread, ...fields } = body;
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<ThreadFields>;
};

const threadNotFound = (id: string) =>
  new AnthropicDetailedError(
    {
      status: 404,
      message: `no thread holds the message '${id}' (expired or never stored)`,
      param: 'thread.previous_message_id',
      code: 'thread_not_found',
    },
    { error_code: 'thread_not_found' },
  );

export class MessageThreads {
  constructor(
    private readonly records: RecordStore,
    private readonly now: () => number = Date.now,
  ) {}

  async open(body: MessagesRequest): Promise<ThreadedRequest> {
    const thread = body.thread;
    if (thread === undefined || thread === null) return { body, threaded: false };
    if (thread.type === 'create') return { body: { ...body, thread: undefined }, threaded: true };
    if (thread.type !== 'continue') {
      throw invalidRequest("thread.type must be 'create' or 'continue'", 'thread.type', 'invalid_value');
    }
    const previous = thread.previous_message_id;
    if (typeof previous !== 'string' || previous === '') {
      const param = 'thread.previous_message_id';
      throw invalidRequest('a continued thread needs previous_message_id', param, 'missing_field');
    }
    const stored = await this.records.get<StoredThread>(THREADS_COLLECTION, previous);
    if (!stored) throw threadNotFound(previous);
    const messages = [...stored.messages, ...body.messages];
    const merged = { ...stored.fields, ...definedFields(body), messages, stream: body.stream };
    return { body: merged as MessagesRequest, threaded: true };
  }

  /** Stores the answered request and its reply under the reply's id. */
  save(messageId: string, body: MessagesRequest, reply: ContentBlockOut[]): Promise<void> {
    const stored: StoredThread = {
      fields: definedFields(body) as ThreadFields,
      messages: [...body.messages, { role: 'assistant', content: structuredClone(reply) }],
    };
    return this.records.put(THREADS_COLLECTION, messageId, stored, { expiresAt: this.now() + RETENTION_MS });
  }
}
