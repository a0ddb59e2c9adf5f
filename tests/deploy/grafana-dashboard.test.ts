import { expect, test } from 'bun:test';
import { parser } from '@prometheus-io/lezer-promql';
import { readFileSync } from 'node:fs';
import { createGatewayMetrics } from '../../src/metrics/gateway-metrics';

/**
 * deploy/grafana-dashboard.json loads as JSON, every query parses as PromQL (with the official
 * Prometheus grammar), and every metric and label it uses is one grok2api exports.
 */

interface Panel {
  id: number;
  title: string;
  targets: { expr: string; refId: string }[];
}
const dashboard = JSON.parse(readFileSync('deploy/grafana-dashboard.json', 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; definition: string }[] };
  __inputs: { name: string }[];
};

const metrics = createGatewayMetrics({ poolStats: () => ({}) });
const exported = new Set(metrics.registry.names());
/** Labels per series name, from the registry's own definitions; Prometheus adds job and instance, histograms le. */
const labelsOf = new Map<string, Set<string>>();
for (const metric of [metrics.requests, metrics.requestDuration, metrics.timeToFirstToken, metrics.upstreamErrors]) {
  for (const name of metrics.registry.names().filter((series) => series.startsWith(metric.name)))
    labelsOf.set(name, new Set(metric.labelNames));
}
labelsOf.set('grok2api_accounts', new Set(['pool', 'status']));
labelsOf.set('grok2api_quota_remaining', new Set(['pool']));
labelsOf.set('grok2api_build_info', new Set(['version', 'commit', 'bun']));
const SCRAPE_LABELS = ['job', 'instance'];

/** Grafana variables are not PromQL: substitute what Grafana would before parsing. */
const asPromQl = (expr: string) => expr.replaceAll('$__rate_interval', '5m').replace(/\$(\w+)/g, '.*');

function parse(expr: string) {
  const text = asPromQl(expr);
  const tree = parser.parse(text);
  const errors: string[] = [];
  const selectors: { metric: string; labels: string[] }[] = [];
  const grouping: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`${node.from}: ${text.slice(Math.max(0, node.from - 10), node.to + 10)}`);
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier');
        const labels = node.node
          .getChild('LabelMatchers')
          ?.getChildren('UnquotedLabelMatcher')
          .map((matcher) => {
            const name = matcher.getChild('LabelName')!;
            return text.slice(name.from, name.to);
          });
        selectors.push({ metric: identifier ? text.slice(identifier.from, identifier.to) : '', labels: labels ?? [] });
      }
      if (node.name === 'GroupingLabels') {
        for (const label of node.node.getChildren('LabelName')) grouping.push(text.slice(label.from, label.to));
      }
    },
  });
  return { errors, selectors, grouping };
}

const queries = dashboard.panels.flatMap((panel) =>
  panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })),
);

test('the dashboard is importable: JSON, a datasource input, unique panel ids', () => {
  expect(dashboard.uid).toBe('grok2api-overview');
  expect(dashboard.__inputs.map((input) => input.name)).toEqual(['DS_PROMETHEUS']);
  const ids = dashboard.panels.map((panel) => panel.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(queries.length).toBeGreaterThanOrEqual(12);
});

test('every query parses and uses only metrics and labels grok2api exports', () => {
  for (const { panel, expr } of queries) {
    const { errors, selectors, grouping } = parse(expr);
    expect({ panel, errors }).toEqual({ panel, errors: [] });
    expect(selectors.length).toBeGreaterThan(0);
    for (const selector of selectors) {
      expect({ panel, metric: selector.metric, exported: exported.has(selector.metric) }).toEqual({
        panel,
        metric: selector.metric,
        exported: true,
      });
      const known = new Set([...SCRAPE_LABELS, ...(labelsOf.get(selector.metric) ?? [])]);
      for (const label of selector.labels)
        expect({ panel, label, known: known.has(label) }).toEqual({ panel, label, known: true });
    }
    const allowed = new Set([
      ...SCRAPE_LABELS,
      'le',
      ...selectors.flatMap((selector) => [...(labelsOf.get(selector.metric) ?? [])]),
    ]);
    for (const label of grouping)
      expect({ panel, label, known: allowed.has(label) }).toEqual({ panel, label, known: true });
  }
});

test('every exported metric has a panel, and the variables query a metric that exists', () => {
  const used = new Set(queries.flatMap(({ expr }) => parse(expr).selectors.map((selector) => selector.metric)));
  const families = metrics.registry.names().map((name) => name.replace(/_(bucket|sum|count)$/, ''));
  for (const family of new Set(families)) {
    expect({ family, shown: [...used].some((name) => name.startsWith(family)) }).toEqual({ family, shown: true });
  }
  for (const variable of dashboard.templating.list) expect(variable.definition).toContain('grok2api_build_info');
});

test('a misspelt metric would be caught', () => {
  const { selectors } = parse('sum(rate(grok2api_request_total{job=~"$job"}[$__rate_interval]))');
  expect(exported.has(selectors[0]!.metric)).toBe(false);
  expect(parse('sum(rate(grok2api_requests_total[5m])').errors.length).toBeGreaterThan(0);
  expect(parse('max by (pool) (grok2api_accounts{job=~"$job", bogus="x"})')).toMatchObject({
    selectors: [{ labels: ['job', 'bogus'] }],
    grouping: ['pool'],
  });
});
