import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { loadFixtures, summariseAnswer, toolCallAnswer, type RecordedAnswer } from '../clients-live/harness';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Replays the requests real OpenAI-dialect clients sent (recorded by `npm run test:clients` into
 * fixtures/<client>@<version>.json) through the gateway against the simulator, so a change that
 * would break one of them fails here without the client installed. Each recorded model answer
 * is scripted again (same tool calls), so multi-turn sessions see the same shape of history;
 * response and item ids of earlier turns are mapped to the ones this run produced.
 */

const OPENAI_PATHS = /^\/v1\/(responses|chat\/completions)$/;
const fixtures = loadFixtures().filter((fixture) =>
  fixture.sessions.flat().some((request) => OPENAI_PATHS.test(request.path ?? '')),
);

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ accounts: [{ token: 'account-super-1', tier: 'super' }] });
});
afterAll(() => harness.stop());

/** Recorded ids → ids of this run, filled as each answer arrives. */
class IdMap {
  private readonly ids = new Map<string, string>();

  learn(recorded: RecordedAnswer | undefined, fresh: RecordedAnswer | undefined): void {
    if (!recorded?.responseId || !fresh?.responseId) return;
    this.ids.set(recorded.responseId, fresh.responseId);
    const unused = [...(fresh.items ?? [])];
    for (const item of recorded.items ?? []) {
      const index = unused.findIndex((candidate) => candidate.type === item.type);
      if (index !== -1) this.ids.set(item.id, unused.splice(index, 1)[0]!.id);
    }
  }

  /** The body with previous_response_id and item_reference ids of this run. */
  rewrite(body: unknown): unknown {
    if (!body || typeof body !== 'object') return body;
    const copy = structuredClone(body) as { previous_response_id?: string; input?: unknown };
    if (copy.previous_response_id)
      copy.previous_response_id = this.ids.get(copy.previous_response_id) ?? copy.previous_response_id;
    if (Array.isArray(copy.input)) {
      for (const item of copy.input as { type?: string; id?: string }[]) {
        if (item?.type === 'item_reference' && item.id) item.id = this.ids.get(item.id) ?? item.id;
      }
    }
    return copy;
  }
}

/** Text first, so a message item exists for references to map onto, then the recorded calls. */
const scriptedAnswer = (answer: RecordedAnswer | undefined): string =>
  [
    'Replayed answer.',
    ...(answer?.calls ?? []).map((call) => toolCallAnswer(call.name, JSON.parse(call.arguments || '{}'))),
  ].join('\n');

/** Every data line is JSON; Responses streams end with response.completed, chat streams with [DONE]. */
function checkStream(path: string, text: string): void {
  const data = text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6));
  expect(data.length).toBeGreaterThan(0);
  if (path === '/v1/responses') {
    const events = data.map((line) => JSON.parse(line) as { type: string; sequence_number: number });
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0]!.type).toBe('response.created');
    expect(events.at(-1)!.type).toBe('response.completed');
  } else {
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data
      .slice(0, -1)
      .map((line) => JSON.parse(line) as { object: string; choices: { finish_reason: string | null }[] });
    for (const chunk of chunks) expect(chunk.object).toBe('chat.completion.chunk');
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(true);
  }
}

function checkBody(path: string, body: { object: string; status?: string; choices?: unknown[] }): void {
  if (path === '/v1/responses') {
    expect(body.object).toBe('response');
    expect(body.status).toBe('completed');
  } else {
    expect(body.object).toBe('chat.completion');
    expect(body.choices?.length).toBeGreaterThan(0);
  }
}

describe('recorded OpenAI-dialect clients replayed through the gateway', () => {
  if (fixtures.length === 0) test.skip('no fixtures recorded yet', () => {});
  for (const fixture of fixtures) {
    fixture.sessions.forEach((session, sessionIndex) => {
      const name = `${fixture.client}@${fixture.version} session ${sessionIndex + 1} (${session.length} requests)`;
      test(name, async () => {
        harness.simulator.reset();
        const ids = new IdMap();
        for (const request of session) {
          if (!OPENAI_PATHS.test(request.path)) continue;
          harness.simulator.script({ answer: scriptedAnswer(request.answer) });
          const response = await harness.api(request.path, {
            method: request.method,
            headers: request.headers,
            body: JSON.stringify(ids.rewrite(request.body)),
          });
          const text = await response.text();
          if (response.status !== 200) throw new Error(`${request.path} answered ${response.status}: ${text}`);
          const streamed = (response.headers.get('content-type') ?? '').includes('text/event-stream');
          if (streamed) checkStream(request.path, text);
          else checkBody(request.path, JSON.parse(text));
          const fresh = summariseAnswer(text);
          expect(fresh?.calls.map((call) => call.name)).toEqual(request.answer?.calls.map((call) => call.name) ?? []);
          ids.learn(request.answer, fresh);
        }
      });
    });
  }
});
