/**
 * Small hand-written SVG charts (no chart library, nothing from a CDN). Colours come from CSS
 * classes (.series-0 … .series-7) so light and dark themes both work.
 */

const NS = 'http://www.w3.org/2000/svg';

export type Format = (value: number) => string;
export interface Series {
  name: string;
  values: (number | null | undefined)[];
}
interface Padding {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

function element(name: string, attributes: Record<string, string | number>, parent?: Element): SVGElement {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (parent) parent.append(node);
  return node;
}

/** Drawn at the container's real width, so text is never scaled down (readable on a phone too). */
function widthOf(container: HTMLElement): number {
  const measured = Math.floor(container.getBoundingClientRect().width);
  return measured > 0 ? Math.max(260, measured) : 640;
}

/** A chart with nothing to draw says so instead of showing empty axes. */
function emptyState(container: HTMLElement, text: string): void {
  container.replaceChildren();
  const note = document.createElement('p');
  note.className = 'chart-empty';
  note.textContent = text;
  container.append(note);
}

/** Draws x labels no closer than `gap` pixels, so they never run into each other. */
function xLabels(svg: SVGElement, positions: [number, string][], width: number, height: number, gap = 84): void {
  let last = Number.NEGATIVE_INFINITY;
  for (const [x, text] of positions) {
    // Near the right edge a label ends at the edge, so it reaches back about one label's width.
    const anchor = x > width - 70 ? 'end' : 'start';
    if (x - last < (anchor === 'end' ? gap + 70 : gap)) continue;
    const attributes = { x: anchor === 'end' ? width - 2 : x, y: height - 6, class: 'tick', 'text-anchor': anchor };
    element('text', attributes, svg).textContent = text;
    last = anchor === 'end' ? width : x;
  }
}

function frame(container: HTMLElement, label: string, width: number, height: number): SVGElement {
  container.replaceChildren();
  const svg = element('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'chart' });
  container.append(svg);
  element('title', {}, svg).textContent = label;
  return svg;
}

function legend(container: HTMLElement, names: string[]): void {
  const list = document.createElement('ul');
  list.className = 'legend';
  names.forEach((name, index) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch series-${index % 8}`;
    item.append(swatch, name);
    list.append(item);
  });
  container.append(list);
}

function axis(svg: SVGElement, max: number, width: number, height: number, pad: Padding, format: Format): void {
  for (const fraction of max < 2 ? [0, 1] : [0, 0.5, 1]) {
    const y = pad.top + (height - pad.top - pad.bottom) * (1 - fraction);
    element('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'grid' }, svg);
    const tick = element('text', { x: pad.left - 4, y: y + 4, 'text-anchor': 'end', class: 'tick' }, svg);
    tick.textContent = format(max * fraction);
  }
}

const round: Format = (value) =>
  value >= 1000 ? `${(value / 1000).toFixed(1)}k` : Number.isInteger(value) ? String(value) : value.toFixed(1);

export interface StackedBarsOptions {
  label: string;
  /** x labels (only a few are drawn). */
  labels: string[];
  series: Series[];
  format?: Format;
  slots?: number;
  empty?: string;
}

export function stackedBars(container: HTMLElement, options: StackedBarsOptions): void {
  const { label, labels, series, format = round, slots = labels.length, empty } = options;
  const totals = labels.map((_, index) => series.reduce((sum, one) => sum + (one.values[index] || 0), 0));
  if (empty && totals.every((total) => total === 0)) return emptyState(container, empty);
  const width = widthOf(container);
  const height = 220;
  const pad = { top: 10, right: 8, bottom: 24, left: 44 };
  const svg = frame(container, label, width, height);
  const max = Math.max(1, ...totals);
  axis(svg, max, width, height, pad, format);
  // With fewer bars than slots (a short history) the bars keep their width and sit at the right, where "now" is.
  const columns = Math.max(slots, labels.length, 1);
  const step = (width - pad.left - pad.right) / columns;
  const offset = columns - labels.length;
  const scale = (height - pad.top - pad.bottom) / max;
  const positions: [number, string][] = [];
  labels.forEach((text, index) => {
    let y = height - pad.bottom;
    series.forEach((one, seriesIndex) => {
      const value = one.values[index] || 0;
      if (!value) return;
      const barHeight = value * scale;
      y -= barHeight;
      const rect = element(
        'rect',
        {
          x: pad.left + (offset + index) * step + 1,
          y,
          width: Math.max(1, step - 2),
          height: barHeight,
          class: `series-${seriesIndex % 8}`,
        },
        svg,
      );
      element('title', {}, rect).textContent = `${text} · ${one.name}: ${value}`;
    });
    positions.push([pad.left + (offset + index) * step, text]);
  });
  xLabels(svg, positions, width, height);
  legend(
    container,
    series.map((one) => one.name),
  );
}

const present = (value: number | null | undefined): value is number => value !== null && value !== undefined;

/** Lines: a null value is a gap. */
export function lines(
  container: HTMLElement,
  options: { label: string; labels: string[]; series: Series[]; format?: Format; empty?: string },
): void {
  const { label, labels, series, format = round, empty } = options;
  const drawn = series.some((one) => one.values.some(present));
  if (empty && !drawn) return emptyState(container, empty);
  const width = widthOf(container);
  const height = 220;
  const pad = { top: 10, right: 8, bottom: 24, left: 52 };
  const svg = frame(container, label, width, height);
  const max = Math.max(1, ...series.flatMap((one) => one.values.filter(present)));
  axis(svg, max, width, height, pad, format);
  const step = (width - pad.left - pad.right) / Math.max(1, labels.length - 1);
  const scale = (height - pad.top - pad.bottom) / max;
  series.forEach((one, seriesIndex) => {
    let path = '';
    one.values.forEach((value, index) => {
      if (!present(value)) return;
      const x = pad.left + index * step;
      const y = height - pad.bottom - value * scale;
      path += `${path && present(one.values[index - 1]) ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
      const dot = element('circle', { cx: x, cy: y, r: 2.5, class: `dot series-${seriesIndex % 8}` }, svg);
      element('title', {}, dot).textContent = `${labels[index]} · ${one.name}: ${format(value)}`;
    });
    if (path) element('path', { d: path, class: `line stroke-${seriesIndex % 8}` }, svg);
  });
  xLabels(
    svg,
    labels.map((text, index) => [pad.left + index * step, text]),
    width,
    height,
  );
  legend(
    container,
    series.map((one) => one.name),
  );
}

/** Horizontal bars, one per row. */
export function bars(
  container: HTMLElement,
  options: { label: string; rows: { name: string; value: number }[]; format?: Format; empty?: string },
): void {
  const { label, rows, format = round, empty } = options;
  if (empty && rows.every((row) => !row.value)) return emptyState(container, empty);
  const rowHeight = 26;
  const width = widthOf(container);
  const labelWidth = Math.min(200, Math.round(width * 0.34));
  const height = Math.max(rowHeight, rows.length * rowHeight) + 4;
  const svg = frame(container, label, width, height);
  const max = Math.max(1, ...rows.map((row) => row.value));
  rows.forEach((row, index) => {
    const y = index * rowHeight + 2;
    const name = row.name.length * 7 > labelWidth ? `${row.name.slice(0, Math.floor(labelWidth / 7) - 1)}…` : row.name;
    element('text', { x: 0, y: y + 17, class: 'tick' }, svg).textContent = name;
    const barWidth = ((width - labelWidth - 60) * row.value) / max;
    const rect = element(
      'rect',
      { x: labelWidth, y: y + 4, width: Math.max(1, barWidth), height: rowHeight - 8, class: `series-${index % 8}` },
      svg,
    );
    element('title', {}, rect).textContent = `${row.name}: ${format(row.value)}`;
    element('text', { x: labelWidth + barWidth + 6, y: y + 17, class: 'tick' }, svg).textContent = format(row.value);
  });
}
