import { randomBytes } from 'node:crypto';
import type { AnswerPiece } from '../../conversation/answer-assembler';
import { parseLenientObject } from '../../conversation/tools/lenient-json';
import type { ToolOrigin } from './offered-tools';

/**
 * Builds the `output` items of a response from answer pieces, and the streaming events that
 * describe each step. Streaming sends the events; non-streaming only keeps the items: both are
 * built by this one class, so they always agree.
 *
 * Reasoning becomes a `reasoning` item with summary text, never `output_text`.
 */

export type OutputItem =
  | { id: string; type: 'reasoning'; summary: { type: 'summary_text'; text: string }[]; status?: string }
  | {
      id: string;
      type: 'message';
      role: 'assistant';
      status: string;
      content: { type: 'output_text'; text: string; annotations: unknown[]; logprobs: unknown[] }[];
    }
  | (CallFields & { type: 'function_call'; name: string; arguments: string; namespace?: string })
  | (CallFields & { type: 'custom_tool_call'; name: string; input: string; namespace?: string })
  | (CallFields & { type: 'local_shell_call'; action: LocalShellAction });

interface CallFields {
  id: string;
  status: string;
  call_id: string;
}

export interface LocalShellAction {
  type: 'exec';
  command: string[];
  timeout_ms: number | null;
  working_directory: string | null;
  env: Record<string, string>;
  user: string | null;
}

type CallItem = Extract<OutputItem, { type: 'function_call' | 'custom_tool_call' | 'local_shell_call' }>;

/** One streaming event, before the encoder stamps `sequence_number`. */
export type OutputEvent = { type: string } & Record<string, unknown>;

const itemId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export class ResponseOutput {
  readonly items: OutputItem[] = [];
  private reasoning: Extract<OutputItem, { type: 'reasoning' }> | null = null;
  private message: Extract<OutputItem, { type: 'message' }> | null = null;
  private readonly calls = new Map<number, CallItem>();
  /** Arguments of calls announced only once complete (custom and local_shell inputs are derived from them). */
  private readonly heldArguments = new Map<number, string>();

  constructor(
    private readonly showReasoning: boolean,
    private readonly origins: ReadonlyMap<string, ToolOrigin> = new Map(),
  ) {}

  add(pieces: AnswerPiece[]): OutputEvent[] {
    const events: OutputEvent[] = [];
    for (const piece of pieces) {
      if (piece.type === 'reasoning') {
        if (!this.showReasoning) continue;
        this.closeMessage(events);
        const item = this.reasoning ?? this.openReasoning(events);
        item.summary[0]!.text += piece.text;
        events.push({
          type: 'response.reasoning_summary_text.delta',
          item_id: item.id,
          output_index: this.indexOf(item),
          summary_index: 0,
          delta: piece.text,
        });
      } else if (piece.type === 'content') {
        this.closeReasoning(events);
        const item = this.message ?? this.openMessage(events);
        item.content[0]!.text += piece.text;
        events.push({
          type: 'response.output_text.delta',
          item_id: item.id,
          output_index: this.indexOf(item),
          content_index: 0,
          delta: piece.text,
          logprobs: [],
        });
      } else if (piece.type === 'tool_call_start') {
        this.closeReasoning(events);
        this.closeMessage(events);
        this.startCall(piece, events);
      } else if (piece.type === 'tool_call_arguments') {
        const item = this.calls.get(piece.index)!;
        if (item.type !== 'function_call') {
          this.heldArguments.set(piece.index, (this.heldArguments.get(piece.index) ?? '') + piece.delta);
          continue;
        }
        item.arguments += piece.delta;
        events.push({
          type: 'response.function_call_arguments.delta',
          item_id: item.id,
          output_index: this.indexOf(item),
          delta: piece.delta,
        });
      } else {
        this.endCall(piece.index, events);
      }
    }
    return events;
  }

  /** Closes open items; an answer with no output at all still gets an (empty) message. */
  finish(): OutputEvent[] {
    const events: OutputEvent[] = [];
    this.closeReasoning(events);
    if (!this.items.some((item) => item.type !== 'reasoning')) this.openMessage(events);
    this.closeMessage(events);
    return events;
  }

  /** The answer text as OpenAI's SDKs compute `output_text`. */
  get text(): string {
    return this.items
      .flatMap((item) => (item.type === 'message' ? item.content.map((part) => part.text) : []))
      .join('');
  }

  /** A function call streams its arguments; custom and local_shell calls are announced when complete. */
  private startCall(piece: Extract<AnswerPiece, { type: 'tool_call_start' }>, events: OutputEvent[]): void {
    const item = callItem(this.origins.get(piece.name) ?? { kind: 'function', name: piece.name }, piece.id);
    this.calls.set(piece.index, item);
    this.items.push(item);
    if (item.type === 'function_call') {
      events.push({ type: 'response.output_item.added', output_index: this.indexOf(item), item: { ...item } });
    }
  }

  private endCall(index: number, events: OutputEvent[]): void {
    const item = this.calls.get(index)!;
    item.status = 'completed';
    const output_index = this.indexOf(item);
    if (item.type === 'function_call') {
      const { id: item_id, name, arguments: args } = item;
      events.push({ type: 'response.function_call_arguments.done', item_id, output_index, name, arguments: args });
    } else {
      const parsed = parseArguments(this.heldArguments.get(index) ?? '');
      events.push({ type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress' } });
      if (item.type === 'custom_tool_call') {
        item.input = typeof parsed.input === 'string' ? parsed.input : JSON.stringify(parsed.input ?? '');
        events.push(
          { type: 'response.custom_tool_call_input.delta', item_id: item.id, output_index, delta: item.input },
          { type: 'response.custom_tool_call_input.done', item_id: item.id, output_index, input: item.input },
        );
      } else {
        item.action = shellAction(parsed);
      }
    }
    events.push({ type: 'response.output_item.done', output_index, item: structuredClone(item) });
  }

  private indexOf(item: OutputItem): number {
    return this.items.indexOf(item);
  }

  private openReasoning(events: OutputEvent[]) {
    const item = {
      id: itemId('rs'),
      type: 'reasoning' as const,
      summary: [{ type: 'summary_text' as const, text: '' }],
    };
    this.reasoning = item;
    this.items.push(item);
    const output_index = this.indexOf(item);
    events.push(
      { type: 'response.output_item.added', output_index, item: { ...item, summary: [] } },
      {
        type: 'response.reasoning_summary_part.added',
        item_id: item.id,
        output_index,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      },
    );
    return item;
  }

  private closeReasoning(events: OutputEvent[]): void {
    const item = this.reasoning;
    if (!item) return;
    this.reasoning = null;
    const output_index = this.indexOf(item);
    const text = item.summary[0]!.text;
    events.push(
      { type: 'response.reasoning_summary_text.done', item_id: item.id, output_index, summary_index: 0, text },
      {
        type: 'response.reasoning_summary_part.done',
        item_id: item.id,
        output_index,
        summary_index: 0,
        part: { type: 'summary_text', text },
      },
      { type: 'response.output_item.done', output_index, item: structuredClone(item) },
    );
  }

  private openMessage(events: OutputEvent[]) {
    const item = {
      id: itemId('msg'),
      type: 'message' as const,
      role: 'assistant' as const,
      status: 'in_progress',
      content: [{ type: 'output_text' as const, text: '', annotations: [], logprobs: [] }],
    };
    this.message = item;
    this.items.push(item);
    const output_index = this.indexOf(item);
    events.push(
      { type: 'response.output_item.added', output_index, item: { ...item, content: [] } },
      {
        type: 'response.content_part.added',
        item_id: item.id,
        output_index,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      },
    );
    return item;
  }

  private closeMessage(events: OutputEvent[]): void {
    const item = this.message;
    if (!item) return;
    this.message = null;
    item.status = 'completed';
    const output_index = this.indexOf(item);
    const part = item.content[0]!;
    events.push(
      {
        type: 'response.output_text.done',
        item_id: item.id,
        output_index,
        content_index: 0,
        text: part.text,
        logprobs: [],
      },
      {
        type: 'response.content_part.done',
        item_id: item.id,
        output_index,
        content_index: 0,
        part: structuredClone(part),
      },
      { type: 'response.output_item.done', output_index, item: structuredClone(item) },
    );
  }
}

/** The item a call starts as, in the type of the tool the client declared. */
const callItem = (origin: ToolOrigin, callId: string): CallItem => {
  const status = 'in_progress';
  if (origin.kind === 'local_shell') {
    return { id: itemId('lsh'), type: 'local_shell_call', status, call_id: callId, action: shellAction({}) };
  }
  const namespace = origin.namespace ? { namespace: origin.namespace } : {};
  const named = { status, call_id: callId, name: origin.name, ...namespace };
  if (origin.kind === 'custom') return { id: itemId('ctc'), type: 'custom_tool_call', input: '', ...named };
  return { id: itemId('fc'), type: 'function_call', arguments: '', ...named };
};

const parseArguments = (text: string): Record<string, unknown> => parseLenientObject(text) ?? {};

/** The documented local_shell `exec` action; a command given as one string becomes `bash -lc`. */
const shellAction = (fields: Record<string, unknown>): LocalShellAction => {
  const command = Array.isArray(fields.command)
    ? fields.command.map(String)
    : typeof fields.command === 'string'
      ? ['bash', '-lc', fields.command]
      : [];
  const env =
    fields.env && typeof fields.env === 'object'
      ? Object.fromEntries(Object.entries(fields.env).map(([key, value]) => [key, String(value)]))
      : {};
  return {
    type: 'exec',
    command,
    timeout_ms: typeof fields.timeout_ms === 'number' ? fields.timeout_ms : null,
    working_directory: typeof fields.working_directory === 'string' ? fields.working_directory : null,
    env,
    user: typeof fields.user === 'string' ? fields.user : null,
  };
};
