/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format (version 0.0.4). Written here rather than taken from prom-client because we
 * need a few dozen series, no default Node process collectors (several read /proc in ways Bun
 * does not match), and nothing async at scrape time.
 */

export type Labels = Readonly<Record<string, string>>;

interface MetricDefinition {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs = names.map((name, index) => `${name}="${escapeLabel(values[index] ?? '')}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

abstract class Metric<Series> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  protected readonly series = new Map<string, { values: string[]; state: Series }>();

  constructor(
    definition: MetricDefinition,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {
    if (!NAME.test(definition.name)) throw new Error(`invalid metric name ${definition.name}`);
    this.name = definition.name;
    this.help = definition.help;
    this.labelNames = definition.labelNames ?? [];
  }

  protected abstract initial(): Series;

  protected seriesFor(labels: Labels = {}): Series {
    const values = this.labelNames.map((name) => labels[name] ?? '');
    const key = values.join('\u0000');
    let entry = this.series.get(key);
    if (!entry) {
      entry = { values, state: this.initial() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  protected abstract sampleLines(): string[];

  render(): string {
    return [
      `# HELP ${this.name} ${escapeHelp(this.help)}`,
      `# TYPE ${this.name} ${this.type}`,
      ...this.sampleLines(),
    ].join('\n');
  }
}

export class Counter extends Metric<{ value: number }> {
  constructor(definition: MetricDefinition) {
    super(definition, 'counter');
  }
  protected initial() {
    return { value: 0 };
  }
  inc(labels?: Labels, amount = 1): void {
    if (amount < 0) throw new Error(`counter ${this.name} cannot decrease`);
    this.seriesFor(labels).value += amount;
  }
  value(labels?: Labels): number {
    return this.seriesFor(labels).value;
  }
  protected sampleLines(): string[] {
    return [...this.series.values()].map(
      ({ values, state }) => `${this.name}${labelText(this.labelNames, values)} ${formatNumber(state.value)}`,
    );
  }
}

export interface GaugeSample {
  labels?: Labels;
  value: number;
}

/** A gauge either set by the code that knows the value, or read at scrape time through `collect`. */
export class Gauge extends Metric<{ value: number }> {
  constructor(definition: MetricDefinition & { collect?: () => readonly GaugeSample[] }) {
    super(definition, 'gauge');
    this.collect = definition.collect;
  }
  private readonly collect?: () => readonly GaugeSample[];
  protected initial() {
    return { value: 0 };
  }
  set(value: number, labels?: Labels): void {
    this.seriesFor(labels).value = value;
  }
  inc(labels?: Labels, amount = 1): void {
    this.seriesFor(labels).value += amount;
  }
  dec(labels?: Labels, amount = 1): void {
    this.seriesFor(labels).value -= amount;
  }
  protected sampleLines(): string[] {
    if (this.collect) {
      return this.collect().map(({ labels, value }) => {
        const values = this.labelNames.map((name) => labels?.[name] ?? '');
        return `${this.name}${labelText(this.labelNames, values)} ${formatNumber(value)}`;
      });
    }
    return [...this.series.values()].map(
      ({ values, state }) => `${this.name}${labelText(this.labelNames, values)} ${formatNumber(state.value)}`,
    );
  }
}

interface HistogramSeries {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramSeries> {
  readonly buckets: readonly number[];
  constructor(definition: MetricDefinition & { buckets: readonly number[] }) {
    super(definition, 'histogram');
    this.buckets = [...definition.buckets].sort((a, b) => a - b);
  }
  protected initial(): HistogramSeries {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }
  observe(value: number, labels?: Labels): void {
    const series = this.seriesFor(labels);
    series.sum += value;
    series.count += 1;
    this.buckets.forEach((bound, index) => {
      if (value <= bound) series.counts[index]! += 1;
    });
  }
  count(labels?: Labels): number {
    return this.seriesFor(labels).count;
  }
  protected sampleLines(): string[] {
    const lines: string[] = [];
    for (const { values, state } of this.series.values()) {
      this.buckets.forEach((bound, index) =>
        lines.push(
          `${this.name}_bucket${labelText(this.labelNames, values, ['le', formatNumber(bound)])} ${state.counts[index]}`,
        ),
      );
      lines.push(`${this.name}_bucket${labelText(this.labelNames, values, ['le', '+Inf'])} ${state.count}`);
      lines.push(`${this.name}_sum${labelText(this.labelNames, values)} ${formatNumber(state.sum)}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, values)} ${state.count}`);
    }
    return lines;
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class MetricsRegistry {
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();

  private add<T extends Counter | Gauge | Histogram>(metric: T): T {
    if (this.metrics.has(metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }
  counter(definition: MetricDefinition): Counter {
    return this.add(new Counter(definition));
  }
  gauge(definition: MetricDefinition & { collect?: () => readonly GaugeSample[] }): Gauge {
    return this.add(new Gauge(definition));
  }
  histogram(definition: MetricDefinition & { buckets: readonly number[] }): Histogram {
    return this.add(new Histogram(definition));
  }
  /** Every metric name with the series suffixes a query may use (for dashboard checks). */
  names(): string[] {
    return [...this.metrics.values()].flatMap((metric) =>
      metric.type === 'histogram'
        ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`]
        : [metric.name],
    );
  }
  render(): string {
    return `${[...this.metrics.values()].map((metric) => metric.render()).join('\n')}\n`;
  }
}
