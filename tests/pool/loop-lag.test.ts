import { expect, test } from 'bun:test';
import { CallPacer } from '../../src/pool/call-pacer';
import { LoopLag } from '../../src/pool/loop-lag';

test('a loop whose timers fire late slows refresh calls down, at most fourfold, and a calm one lets them go at pace', () => {
  let now = 0;
  const lag = new LoopLag(() => now);
  lag.start();
  try {
    const tick = (lateMs: number) => {
      now += 50 + lateMs;
      lag.observe(now);
    };
    for (let index = 0; index < 20; index++) tick(1);
    expect(lag.slowdown()).toBe(1);
    for (let index = 0; index < 3; index++) tick(30);
    const busy = lag.slowdown();
    expect(busy).toBeGreaterThan(1);
    for (let index = 0; index < 40; index++) tick(400);
    expect(lag.slowdown()).toBe(4);
    for (let index = 0; index < 40; index++) tick(0);
    expect(lag.slowdown()).toBe(1);
  } finally {
    lag.stop();
  }
});

test('the pacer spaces calls by the rate times the slowdown of the moment', async () => {
  const now = 1_000;
  let slowdown = 1;
  const waits: number[] = [];
  const pacer = new CallPacer(
    () => 10,
    () => now,
    async (ms) => {
      waits.push(ms);
    },
    () => slowdown,
  );
  await pacer.wait(); // at once
  await pacer.wait(); // 100 ms later at 10 per second
  slowdown = 3;
  await pacer.wait(); // still 100 ms after the previous start; the next one 300 ms after this one
  await pacer.wait();
  expect(waits).toEqual([100, 200, 500]);
});
