import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { ByteChunker } from '../../src/simulator/byte-chunker';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { activeStreams, chat, eventually, scanJsonObjects, summarise } from './simulator-test-client';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ accounts: [{ token: 'token-basic' }] });
});
afterAll(() => simulator.stop());
beforeEach(() => {
  simulator.reset();
  simulator.setOptions({ chunkBytes: undefined, tokenDelayMs: 0, framing: 'ndjson' });
});

async function readRaw(response: Response): Promise<Uint8Array[]> {
  const reads: Uint8Array[] = [];
  const reader = response.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return reads;
    reads.push(value);
  }
}

function isCompleteUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('chunkBytes', () => {
  test('re-cuts the body so reads end inside multi-byte characters', async () => {
    simulator.setOptions({ chunkBytes: 5 });
    // Mostly 3-byte characters and a piece size coprime with 3: most piece ends fall inside one.
    const wide = '你好世界'.repeat(20);
    simulator.script({ answerTokens: [wide, ' 👋'] });
    const reads = await readRaw(await chat(simulator));
    const all = new Uint8Array(reads.reduce((total, read) => total + read.length, 0));
    let offset = 0;
    for (const read of reads) {
      all.set(read, offset);
      offset += read.length;
    }
    // Whatever TCP did to the pieces, the bytes are intact and decode to the scripted turn.
    const turn = summarise(scanJsonObjects(new TextDecoder('utf-8', { fatal: true }).decode(all)).objects);
    expect(turn.answer).toEqual([wide, ' 👋']);
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.filter((read) => !isCompleteUtf8(read)).length).toBeGreaterThan(1);
  });

  test('the chunker cuts exact pieces across frame boundaries and flushes the rest', () => {
    const chunker = new ByteChunker(4);
    const encoder = new TextEncoder();
    const first = chunker.push(encoder.encode('a你')); // 4 bytes
    const second = chunker.push(encoder.encode('好b')); // 4 more bytes, the first piece split nothing yet
    expect(first.map((piece) => [...piece])).toEqual([[0x61, 0xe4, 0xbd, 0xa0]]);
    expect(second.map((piece) => [...piece])).toEqual([[0xe5, 0xa5, 0xbd, 0x62]]);
    const third = chunker.push(encoder.encode('世x'));
    expect(third.map((piece) => [...piece])).toEqual([[0xe4, 0xb8, 0x96, 0x78]]);
    expect(chunker.push(encoder.encode('界'))).toEqual([]);
    expect(chunker.flush().map((piece) => [...piece])).toEqual([[0xe7, 0x95, 0x8c]]);
    expect(chunker.flush()).toEqual([]);
    const split = new ByteChunker(2).push(encoder.encode('世'));
    expect(split.map((piece) => [...piece])).toEqual([[0xe4, 0xb8]]);
  });
});

describe('tokenDelayMs and aborts', () => {
  test('a delayed stream still delivers every frame in order', async () => {
    simulator.setOptions({ tokenDelayMs: 1 });
    simulator.script({ answerTokens: ['one', ' two', ' three'] });
    const text = await (await chat(simulator)).text();
    const turn = summarise(scanJsonObjects(text).objects);
    expect(turn.answer).toEqual(['one', ' two', ' three']);
    expect(turn.final.isSoftStop).toBe(true);
  });

  test('the simulator stops writing once the client aborts a slow stream', async () => {
    simulator.setOptions({ tokenDelayMs: 60_000 });
    const controller = new AbortController();
    const response = await chat(simulator, {}, { signal: controller.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(scanJsonObjects(new TextDecoder().decode(first.value)).objects[0].result.conversation).toBeDefined();
    expect(await activeStreams(simulator)).toBe(1);
    controller.abort();
    await reader.read().catch(() => undefined);
    expect(await eventually(async () => (await activeStreams(simulator)) === 0)).toBe(true);
  });

  test('stop() ends a stall that no client aborted', async () => {
    const other = await startSimulator({ accounts: [{ token: 'token-basic' }] });
    other.enqueueFault({ kind: 'stall', afterFrames: 1 });
    const response = await chat(other);
    const reader = response.body!.getReader();
    await reader.read();
    expect(await activeStreams(other)).toBe(1);
    await other.stop();
    // Without stop() ending it, this read would wait out the five-minute stall.
    const outcome = await reader.read().then(
      (read) => (read.done ? 'done' : 'data'),
      () => 'error',
    );
    expect(['done', 'error']).toContain(outcome);
  });
});
