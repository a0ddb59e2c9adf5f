import { $, messageOf } from '../common/dom';
import { t } from '../common/i18n';
import { toast } from '../common/toast';
import { api, statusOf } from './api';
import type { Dashboard } from './api-types';
import { bars, lines, type Series, stackedBars } from './charts';
import { locale } from './format';
import { registerView } from '../common/router';

/**
 * Dashboard: requests, failures and latency over time (by model and outcome), pool health now and
 * over time, remaining quota by pool, top API keys. Data: GET /v1/admin/console/dashboard.
 */

let data: Dashboard | null = null;

const hourLabel = (at: number) => new Date(at).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
const chart = (id: string) => $(`#chart-${id}`);

/** The five busiest models by name, the rest as "other", so the bars add up to the total. */
function modelSeries(usage: Dashboard['usage']): Series[] {
  const ranked = Object.entries(usage.totals.by_model)
    .sort((a, b) => b[1] - a[1])
    .map(([model]) => model);
  const named = ranked.length > 6 ? ranked.slice(0, 5) : ranked;
  const rest = ranked.slice(named.length);
  const series = named.map((model) => ({
    // A request refused before its body named a model (a wrong key, an invalid body) has none.
    name: model || t('noModel'),
    values: usage.buckets.map((bucket) => bucket.by_model[model] || 0),
  }));
  if (rest.length > 0) {
    const values = usage.buckets.map((bucket) => rest.reduce((sum, model) => sum + (bucket.by_model[model] || 0), 0));
    series.push({ name: t('otherModels', { n: rest.length }), values });
  }
  return series;
}

function renderStats(dashboard: Dashboard): void {
  const { usage } = dashboard;
  const pools = Object.values(dashboard.pools);
  const sum = (key: 'active' | 'total' | 'quota') => pools.reduce((total, stats) => total + stats[key], 0);
  $('#stat-requests').textContent = String(usage.totals.requests);
  $('#stat-failed').textContent = String(usage.totals.failed);
  $('#stat-active').textContent = `${sum('active')} / ${sum('total')}`;
  $('#stat-quota').textContent = String(sum('quota'));
  $('#stat-images').textContent = String(usage.totals.images ?? 0);
  $('#stat-video-seconds').textContent = String(usage.totals.video_seconds ?? 0);
}

function render(): void {
  if (!data) return;
  const usage = data.usage;
  const labels = usage.buckets.map((bucket) => hourLabel(bucket.at));
  renderStats(data);
  stackedBars(chart('outcomes'), {
    label: t('chartOutcomes'),
    labels,
    series: [
      { name: t('completed'), values: usage.buckets.map((bucket) => bucket.requests - bucket.failed) },
      { name: t('failedRequests'), values: usage.buckets.map((bucket) => bucket.failed) },
    ],
    empty: t('noRequestsYet'),
  });
  stackedBars(chart('kinds'), {
    label: t('chartKinds'),
    labels,
    series: (['chat', 'image', 'video'] as const).map((kind) => ({
      name: t(`kind_${kind}`),
      values: usage.buckets.map((bucket) => bucket.by_kind?.[kind] || 0),
    })),
  });
  stackedBars(chart('models'), {
    label: t('chartModels'),
    labels,
    series: modelSeries(usage),
    empty: t('noRequestsYet'),
  });
  lines(chart('latency'), {
    label: t('chartLatency'),
    labels,
    format: (value) => (value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`),
    series: [
      { name: t('mean'), values: usage.buckets.map((bucket) => bucket.latency_mean_ms) },
      { name: 'p95', values: usage.buckets.map((bucket) => bucket.latency_p95_ms) },
    ],
    empty: t('noRequestsYet'),
  });
  const history = data.pool_history;
  stackedBars(chart('pool-history'), {
    label: t('chartPoolHistory'),
    labels: history.map((snapshot) => hourLabel(snapshot.at)),
    // One snapshot every 5 minutes at most: the whole period's worth of slots.
    slots: Math.min(288, Number($<HTMLSelectElement>('#dashboard-hours').value) * 12),
    series: (['active', 'cooling', 'expired', 'disabled'] as const).map((status) => ({
      name: t(status),
      values: history.map((snapshot) => snapshot[status]),
    })),
  });
  bars(chart('quota'), {
    label: t('chartQuota'),
    rows: Object.entries(data.pools).map(([name, stats]) => ({ name, value: stats.quota })),
    empty: t('noAccountsForChart'),
  });
  bars(chart('keys'), {
    label: t('chartKeys'),
    rows: usage.top_keys.map((key) => ({ name: key.name || key.key || t('openApi'), value: key.requests })),
    empty: t('noRequestsYet'),
  });
}

async function load(): Promise<void> {
  try {
    data = await api<Dashboard>(`/v1/admin/console/dashboard?hours=${$<HTMLSelectElement>('#dashboard-hours').value}`);
    render();
  } catch (error) {
    if (statusOf(error) !== 401) toast(t('failed', { reason: messageOf(error) }));
  }
}

// Charts are drawn at their real width: draw again when it changes.
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (data && !$('#dashboard-view').hidden) render();
  }, 150);
});
$('#dashboard-hours').addEventListener('change', load);
$('#dashboard-refresh').addEventListener('click', load);
registerView('dashboard', { show: load, relabel: render });
