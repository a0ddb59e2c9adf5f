import { expect, test } from 'bun:test';
import { MetricsRegistry } from '../../src/metrics/registry';
import { parseMetrics, valueOf } from './prometheus-text';

test('counters, gauges and histograms render in the text format with escaped labels and cumulative buckets', () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter({ name: 'demo_total', help: 'A counter\nover two lines', labelNames: ['path'] });
  const gauge = registry.gauge({ name: 'demo_gauge', help: 'A gauge' });
  const histogram = registry.histogram({
    name: 'demo_seconds',
    help: 'A histogram',
    labelNames: ['route'],
    buckets: [1, 0.1, 0.5],
  });
  registry.gauge({
    name: 'demo_collected',
    help: 'Read at scrape time',
    labelNames: ['pool'],
    collect: () => [{ labels: { pool: 'a' }, value: 4 }],
  });

  counter.inc({ path: 'say "hi"\\\n' });
  counter.inc({ path: 'say "hi"\\\n' }, 2);
  gauge.inc();
  gauge.inc();
  gauge.dec();
  for (const value of [0.05, 0.3, 0.3, 2]) histogram.observe(value, { route: '/x' });

  const text = registry.render();
  expect(text).toContain('# HELP demo_total A counter\\nover two lines\n# TYPE demo_total counter\n');
  expect(text).toContain('demo_total{path="say \\"hi\\"\\\\\\n"} 3');
  expect(text).toContain('# TYPE demo_seconds histogram');
  const samples = parseMetrics(text);
  expect(valueOf(samples, 'demo_total', { path: 'say "hi"\\\n' })).toBe(3);
  expect(valueOf(samples, 'demo_gauge')).toBe(1);
  expect(valueOf(samples, 'demo_collected', { pool: 'a' })).toBe(4);
  expect(['0.1', '0.5', '1', '+Inf'].map((le) => valueOf(samples, 'demo_seconds_bucket', { route: '/x', le }))).toEqual(
    [1, 3, 3, 4],
  );
  expect(valueOf(samples, 'demo_seconds_count', { route: '/x' })).toBe(4);
  expect(valueOf(samples, 'demo_seconds_sum', { route: '/x' })).toBeCloseTo(2.65, 10);
  expect(registry.names()).toEqual([
    'demo_total',
    'demo_gauge',
    'demo_seconds_bucket',
    'demo_seconds_sum',
    'demo_seconds_count',
    'demo_collected',
  ]);
});

test('names are validated, registered once, and counters never go down', () => {
  const registry = new MetricsRegistry();
  expect(() => registry.counter({ name: 'bad-name', help: '' })).toThrow('invalid metric name');
  registry.counter({ name: 'once_total', help: '' });
  expect(() => registry.gauge({ name: 'once_total', help: '' })).toThrow('registered twice');
  expect(() => registry.counter({ name: 'down_total', help: '' }).inc({}, -1)).toThrow('cannot decrease');
});
