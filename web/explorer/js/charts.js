// The home page's charts (uPlot, vendored in vendor/uplot). What each one shows is said in
// its caption, because "finality" has no single honest number for other people's
// transactions: the page cannot know when they were submitted.
//   Block interval   time between a block's header time and its parent's.
//   Throughput       the block's transactions divided by that interval (tx/s).
//   Finality         commit latency = the last commit signature's time minus the header
//                    time (0 with one validator, whose vote is cast as it proposes); and,
//                    for blocks that arrived while the page was open, "seen here" = the
//                    moment this page received the block minus its header time (includes
//                    execution, storage, the event push and any clock difference).
import { h } from './dom.js';
import { ms } from './format.js';

export const WINDOW_BLOCKS = 120;

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function mean(values) {
  const v = values.filter(Number.isFinite);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

function lastFinite(values) {
  for (let i = values.length - 1; i >= 0; --i) if (Number.isFinite(values[i])) return values[i];
  return NaN;
}

const CHARTS = [
  {
    id: 'interval',
    caption: 'Block interval',
    series: [{ label: 'interval', unit: 's', color: '--link' }],
    describe: (s) => `Last ${fmt(lastFinite(s[0]), 's')}, mean ${fmt(mean(s[0]), 's')} over the blocks shown.`,
  },
  {
    id: 'tps',
    caption: 'Throughput (transactions per second)',
    series: [{ label: 'tx/s', unit: 'tx/s', color: '--ok' }],
    describe: (s) => `Last block ${fmt(lastFinite(s[0]), 'tx/s')}, mean ${fmt(mean(s[0]), 'tx/s')}.`,
  },
  {
    id: 'finality',
    caption: 'Finality: commit latency, and block time → seen here',
    series: [
      { label: 'commit latency', unit: 'ms', color: '--warn' },
      { label: 'seen here', unit: 'ms', color: '--link' },
    ],
    describe: (s) => `Commit latency last ${ms(lastFinite(s[0]))}; seen here last ${ms(lastFinite(s[1]))}, mean ${ms(mean(s[1]))} (blocks received live only).`,
  },
];

function fmt(value, unit) {
  if (!Number.isFinite(value)) return '—';
  return `${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2)} ${unit}`;
}

// Keeps the last WINDOW_BLOCKS block summaries ({height,time_ms,tx_count,commit?,seen_ms?}),
// oldest first, and draws the three charts from them.
export class BlockCharts {
  constructor() {
    this.blocks = [];
    this.plots = [];
    this.element = h('div', { class: 'charts' }, CHARTS.map((c) => {
      const plot = h('div', { class: 'plot', 'aria-hidden': 'true' });
      const summary = h('p', { class: 'summary', 'data-chart-summary': c.id });
      return h('figure', { class: 'chart', 'data-chart': c.id, role: 'group', 'aria-label': c.caption },
        h('figcaption', {}, c.caption), plot, summary);
    }));
  }

  // Newest-first list as the API sends it.
  load(newestFirst) {
    this.blocks = newestFirst.slice(0, WINDOW_BLOCKS).reverse();
  }

  add(block) {
    if (this.blocks.length && block.height <= this.blocks[this.blocks.length - 1].height) return;
    this.blocks.push(block);
    if (this.blocks.length > WINDOW_BLOCKS) this.blocks.shift();
    this.draw();
  }

  series() {
    const x = [];
    const out = [[], [], [], []];
    this.blocks.forEach((b, i) => {
      const prev = this.blocks[i - 1];
      const interval = prev && prev.height === b.height - 1 ? (b.time_ms - prev.time_ms) / 1000 : NaN;
      x.push(b.time_ms / 1000);
      out[0].push(interval);
      out[1].push(interval > 0 ? b.tx_count / interval : NaN);
      out[2].push(b.commit && b.commit.signers ? b.commit.time_ms - b.time_ms : NaN);
      out[3].push(b.seen_ms ? b.seen_ms - b.time_ms : NaN);
    });
    const nulls = (a) => a.map((v) => (Number.isFinite(v) ? v : null));
    return { x, data: [[nulls(out[0])], [nulls(out[1])], [nulls(out[2]), nulls(out[3])]] };
  }

  // Called once the element is in the document (uPlot measures it).
  draw() {
    const { x, data } = this.series();
    const figures = this.element.querySelectorAll('figure');
    CHARTS.forEach((chart, i) => {
      const figure = figures[i];
      figure.querySelector('.summary').textContent = chart.describe(data[i].map((s) => s.map((v) => (v === null ? NaN : v))));
      if (!window.uPlot) return;  // the text summaries still tell the story
      const aligned = [x, ...data[i]];
      if (this.plots[i]) {
        this.plots[i].setData(aligned);
        return;
      }
      const container = figure.querySelector('.plot');
      this.plots[i] = new window.uPlot({
        width: Math.max(200, container.clientWidth || 300),
        height: 150,
        legend: { show: chart.series.length > 1 },
        cursor: { show: false },
        axes: [
          { stroke: css('--muted'), grid: { stroke: css('--border') }, ticks: { stroke: css('--border') } },
          { stroke: css('--muted'), grid: { stroke: css('--border') }, ticks: { stroke: css('--border') }, size: 50 },
        ],
        series: [{}, ...chart.series.map((s) => ({ label: s.label, stroke: css(s.color), width: 1.5, spanGaps: false,
          points: { show: false }, value: (_, v) => (v === null ? '—' : `${v.toFixed(1)} ${s.unit}`) }))],
      }, aligned, container);
    });
    if (!this.resizeObserver && window.ResizeObserver) {
      this.resizeObserver = new ResizeObserver(() => this.resize());
      this.resizeObserver.observe(this.element);
    }
  }

  resize() {
    const figures = this.element.querySelectorAll('figure .plot');
    this.plots.forEach((p, i) => p && p.setSize({ width: Math.max(200, figures[i].clientWidth), height: 150 }));
  }

  destroy() {
    if (this.resizeObserver) this.resizeObserver.disconnect();
    this.plots.forEach((p) => p && p.destroy());
    this.plots = [];
  }
}
