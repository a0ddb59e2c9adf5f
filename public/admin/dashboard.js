// Dashboard: requests, failures and latency over time (by model and outcome), pool health now and
// over time, remaining quota by pool, top API keys. Data: GET /v1/admin/console/dashboard.
(() => {
  const { t } = window.i18n;
  const { api, toast, views } = window.grokConsole;
  const { stackedBars, lines, bars } = window.charts;
  const $ = (selector) => document.querySelector(selector);
  let data = null;

  const hourLabel = (at) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  function render() {
    if (!data) return;
    const usage = data.usage;
    const labels = usage.buckets.map((bucket) => hourLabel(bucket.at));
    const pools = Object.entries(data.pools);
    const sum = (key) => pools.reduce((total, [, stats]) => total + stats[key], 0);
    $('#stat-requests').textContent = String(usage.totals.requests);
    $('#stat-failed').textContent = String(usage.totals.failed);
    $('#stat-active').textContent = `${sum('active')} / ${sum('total')}`;
    $('#stat-quota').textContent = String(sum('quota'));
    $('#stat-images').textContent = String(usage.totals.images ?? 0);
    $('#stat-video-seconds').textContent = String(usage.totals.video_seconds ?? 0);

    stackedBars($('#chart-outcomes'), {
      label: t('chartOutcomes'),
      labels,
      series: [
        { name: t('completed'), values: usage.buckets.map((bucket) => bucket.requests - bucket.failed) },
        { name: t('failedRequests'), values: usage.buckets.map((bucket) => bucket.failed) },
      ],
      empty: t('noRequestsYet'),
    });
    stackedBars($('#chart-kinds'), {
      label: t('chartKinds'),
      labels,
      series: ['chat', 'image', 'video'].map((kind) => ({
        name: t(`kind_${kind}`),
        values: usage.buckets.map((bucket) => bucket.by_kind?.[kind] || 0),
      })),
    });
    // The five busiest models by name, the rest as "other", so the bars add up to the total.
    const ranked = Object.entries(usage.totals.by_model)
      .sort((a, b) => b[1] - a[1])
      .map(([model]) => model);
    const named = ranked.length > 6 ? ranked.slice(0, 5) : ranked;
    const rest = ranked.slice(named.length);
    const modelSeries = named.map((model) => ({
      name: model,
      values: usage.buckets.map((bucket) => bucket.by_model[model] || 0),
    }));
    if (rest.length > 0) {
      const values = usage.buckets.map((bucket) => rest.reduce((sum, model) => sum + (bucket.by_model[model] || 0), 0));
      modelSeries.push({ name: t('otherModels', { n: rest.length }), values });
    }
    stackedBars($('#chart-models'), {
      label: t('chartModels'),
      labels,
      series: modelSeries,
      empty: t('noRequestsYet'),
    });
    lines($('#chart-latency'), {
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
    stackedBars($('#chart-pool-history'), {
      label: t('chartPoolHistory'),
      labels: history.map((snapshot) => hourLabel(snapshot.at)),
      // One snapshot every 5 minutes at most: the whole period's worth of slots.
      slots: Math.min(288, Number($('#dashboard-hours').value) * 12),
      series: ['active', 'cooling', 'expired', 'disabled'].map((status) => ({
        name: t(status),
        values: history.map((snapshot) => snapshot[status]),
      })),
    });
    bars($('#chart-quota'), {
      label: t('chartQuota'),
      rows: pools.map(([name, stats]) => ({ name, value: stats.quota })),
      empty: t('noAccountsForChart'),
    });
    bars($('#chart-keys'), {
      label: t('chartKeys'),
      rows: usage.top_keys.map((key) => ({ name: key.name || key.key || t('openApi'), value: key.requests })),
      empty: t('noRequestsYet'),
    });
  }

  async function load() {
    try {
      data = await api(`/v1/admin/console/dashboard?hours=${$('#dashboard-hours').value}`);
      render();
    } catch (error) {
      if (error.status !== 401) toast(t('failed', { reason: error.message }));
    }
  }

  // Charts are drawn at their real width: draw again when it changes.
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (data && !$('#dashboard-view').hidden) render();
    }, 150);
  });
  $('#dashboard-hours').addEventListener('change', load);
  $('#dashboard-refresh').addEventListener('click', load);
  views.dashboard = { show: load, relabel: render };
})();
