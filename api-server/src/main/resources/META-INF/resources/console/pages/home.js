// Home: how many runs in each status over the last 24 hours, runs finished per minute over the
// last hour, and the way to the stuck ones.
import { api } from '../api.js';
import { h, replace } from '../ui.js';

const STATUSES = ['PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELED'];
const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELED'];
const SVG = 'http://www.w3.org/2000/svg';

export async function render(main, ctx) {
  const counts = h('div', { id: 'counts' });
  const chart = h('div', { id: 'per-minute' });
  const stuck = h('p', { id: 'stuck-link' });
  replace(main, h('h1', {}, 'Stepwise'),
    h('section', { 'aria-labelledby': 'counts-h' }, h('h2', { id: 'counts-h' }, 'Runs in the last 24 hours'), counts),
    h('section', { 'aria-labelledby': 'chart-h' }, h('h2', { id: 'chart-h' }, 'Runs finished per minute, last hour'), chart),
    h('section', { 'aria-labelledby': 'stuck-h' }, h('h2', { id: 'stuck-h' }, 'Stuck runs'), stuck));
  await ctx.every(5000, async () => {
    const [stats, stuckRuns] = await Promise.all([api('GET', '/runs/stats'), api('GET', '/runs?stuck=true')]);
    if (!ctx.current()) return;
    replace(counts, h('ul', { class: 'tiles' }, STATUSES.map(s => h('li', { class: `tile status-${s.toLowerCase()}` },
      h('a', { href: `/runs?status=${s}` }, h('span', { class: 'count' }, String(stats.byStatus[s] ?? 0)), h('span', {}, s))))));
    replace(chart, perMinute(stats.finishedPerMinute));
    const n = stuckRuns.items.length;
    replace(stuck, n === 0 ? 'No run is stuck.' : h('a', { href: '/runs?stuck=true' }, `${n} stuck run${n === 1 ? '' : 's'}: see why and what fixes them`));
  });
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  children.forEach(c => el.append(c));
  return el;
}

function perMinute(buckets) {
  const total = buckets.reduce((n, b) => n + FINISHED.reduce((m, s) => m + (b[s] || 0), 0), 0);
  const max = Math.max(1, ...buckets.map(b => FINISHED.reduce((m, s) => m + (b[s] || 0), 0)));
  const width = 600, height = 120, bar = width / Math.max(1, buckets.length);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height + 16}`, role: 'img', class: 'chart',
    'aria-label': `${total} runs finished in the last hour; at most ${max === 1 && total === 0 ? 0 : max} in one minute` });
  buckets.forEach((b, i) => {
    let y = height;
    for (const s of FINISHED) {
      const n = b[s] || 0;
      if (!n) continue;
      const hgt = (n / max) * height;
      y -= hgt;
      chart.append(svg('rect', { x: i * bar + 1, y, width: Math.max(1, bar - 2), height: hgt, class: `bar-${s.toLowerCase()}` },
        svg('title', {}, document.createTextNode(`${new Date(b.minute).toLocaleTimeString()}: ${n} ${s}`))));
    }
  });
  chart.append(svg('line', { x1: 0, y1: height, x2: width, y2: height, class: 'axis' }));
  chart.append(svg('text', { x: 0, y: height + 14, class: 'label' }, document.createTextNode('60 min ago')));
  chart.append(svg('text', { x: width, y: height + 14, class: 'label', 'text-anchor': 'end' }, document.createTextNode('now')));
  const legend = h('p', { class: 'legend' }, FINISHED.map(s => h('span', { class: `key bar-${s.toLowerCase()}` }, s)));
  return h('div', {}, chart, legend);
}
