// Task queues: who owns each, its worker instances with their heartbeats, and the pollers Temporal reports.
import { api } from '../api.js';
import { h, replace, ago, table } from '../ui.js';

export async function render(main, ctx) {
  const list = h('div', { id: 'queue-list' });
  replace(main, h('h1', {}, 'Queues'),
    h('p', {}, 'A worker holds a lease on its queue and renews it with a heartbeat; a lease whose heartbeat is too old is dead. '
      + 'Only the workflow-worker polls the authored-workflow queue.'), list);
  await ctx.every(3000, async () => {
    const page = await api('GET', '/queues');
    if (!ctx.current()) return;
    replace(list, page.items.length === 0 ? h('p', {}, 'No queue is known yet.') : page.items.map(q => h('section', { 'aria-label': `Queue ${q.name}`, class: 'card' },
      h('h2', {}, h('code', {}, q.name), q.authored ? ' (authored workflows)' : '', ' ',
        h('span', { class: `status ${q.live ?? q.instances.some(i => i.live) ? 'status-succeeded' : 'status-failed'}` },
          q.live ?? q.instances.some(i => i.live) ? 'live' : 'no live worker')),
      h('p', {}, 'Owner: ', q.owner ? h('code', {}, q.owner) : 'none yet'),
      q.instances.length ? table(['Instance', 'Build', 'Started', 'Last heartbeat', 'State'], q.instances.map(i => h('tr', {},
        h('td', {}, h('code', {}, i.instance)), h('td', {}, i.build || '—'), h('td', {}, ago(i.startedAt)),
        h('td', {}, ago(i.lastHeartbeat)), h('td', {}, i.live ? 'live' : 'dead'))), 'Worker instances') : h('p', {}, 'No worker instance has taken a lease.'),
      q.pollers === null || q.pollers === undefined ? h('p', { class: 'help' }, 'Pollers: this Temporal server does not report them (the embedded dev server does not).')
        : q.pollers.length ? table(['Poller', 'Last access'], q.pollers.map(p => h('tr', {}, h('td', {}, h('code', {}, p.identity)), h('td', {}, ago(p.lastAccessTime)))), 'Pollers Temporal reports')
          : h('p', {}, 'Temporal reports no poller on this queue.'))));
  });
}
