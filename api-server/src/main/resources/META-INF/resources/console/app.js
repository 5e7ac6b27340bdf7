// The console's shell: sign-in from the URL fragment, the router behind the deep links, the
// header, the "no worker" banner, and live refresh that stops when the page changes.
import { api, session, SignedOut } from './api.js';
import { h, replace, problem } from './ui.js';
import * as home from './pages/home.js';
import * as signin from './pages/signin.js';
import * as workflows from './pages/workflows.js';
import * as workflow from './pages/workflow.js';
import * as runs from './pages/runs.js';
import * as run from './pages/run.js';
import * as queues from './pages/queues.js';

const routes = [
  [/^\/$/, home],
  [/^\/signin$/, signin],
  [/^\/workflows$/, workflows],
  [/^\/workflows\/([^/]+)$/, workflow],
  [/^\/runs$/, runs],
  [/^\/runs\/([^/]+)$/, run],
  [/^\/queues$/, queues],
];

let timers = [];
let generation = 0;

export function navigate(path, { replace: replaceState = false } = {}) {
  if (replaceState) history.replaceState(null, '', path); else history.pushState(null, '', path);
  render();
}

function stopTimers() {
  timers.forEach(clearInterval);
  timers = [];
}

/** Runs fn now and every ms while this page is shown; a refused token signs out. */
function every(ms, fn) {
  const mine = generation;
  let busy = false;
  const tick = async () => {
    if (mine !== generation || busy) return;
    busy = true;
    try {
      await fn();
      if (mine === generation) refreshFailed(null);
    } catch (err) {
      if (err instanceof SignedOut) toSignIn();
      else if (mine === generation) refreshFailed(err);
    } finally {
      busy = false;
    }
  };
  timers.push(setInterval(tick, ms));
  return tick();
}

/** A page that cannot read what it shows says so, above what it showed last; it clears when a read works. */
function refreshFailed(err) {
  const main = document.getElementById('main');
  const shown = document.getElementById('refresh-error');
  if (shown) shown.remove();
  if (err) {
    const box = problem(err);
    box.id = 'refresh-error';
    main.prepend(box);
  }
}

function toSignIn() {
  const next = location.pathname + location.search;
  navigate('/signin' + (next.startsWith('/signin') ? '' : '?next=' + encodeURIComponent(next)), { replace: true });
}

function header() {
  const signedIn = !!session.token();
  document.getElementById('nav').hidden = !signedIn;
  for (const a of document.querySelectorAll('#nav a')) {
    const href = a.getAttribute('href');
    const current = href === '/' ? location.pathname === '/' : location.pathname.startsWith(href);
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const who = document.getElementById('who');
  if (!signedIn) {
    replace(who);
    return;
  }
  const user = session.user();
  const role = ['none', 'viewer', 'operator', 'admin'][user.rank];
  replace(who, h('span', {}, `${user.name} (${role})`), ' ',
    h('button', { type: 'button', class: 'link', onclick: () => { session.signOut('You signed out.'); navigate('/signin'); } }, 'Sign out'));
}

/** The banner every page shows while no worker polls the authored-workflow queue. */
async function workerBanner() {
  const banners = document.getElementById('banners');
  if (!session.token()) {
    replace(banners);
    return;
  }
  const page = await api('GET', '/queues');
  const authored = page.items.find(q => q.authored) || null;
  const live = authored && (authored.live ?? authored.instances.some(i => i.live));
  replace(banners, live ? null : h('div', { class: 'banner banner-warn', role: 'status', id: 'no-worker-banner' },
    h('strong', {}, 'No worker is running. '),
    `No workflow-worker polls the queue ${authored ? authored.name : ''}: new runs stay PENDING and running ones make no progress until one starts. `,
    'Start one (', h('code', {}, './run.sh worker'), ' on the local stack) and this banner clears. ',
    h('a', { href: '/queues' }, 'Queues')));
}

let bannerTimer = null;

async function render() {
  stopTimers();
  generation += 1;
  const mine = generation;
  const main = document.getElementById('main');
  const path = location.pathname;
  if (path !== '/signin') {
    const token = session.token();
    const reason = token ? session.problem(token) : 'Sign in to continue.';
    if (reason) {
      session.signOut(token ? reason : null);
      toSignIn();
      return;
    }
  }
  header();
  if (!bannerTimer && session.token()) {
    bannerTimer = setInterval(() => workerBanner().catch(onError), 3000);
    workerBanner().catch(onError);
  } else if (!session.token()) {
    clearInterval(bannerTimer);
    bannerTimer = null;
    replace(document.getElementById('banners'));
  }
  const [pattern, page] = routes.find(([re]) => re.test(path)) || [null, null];
  replace(main);
  if (!page) {
    replace(main, h('h1', {}, 'Not found'), h('p', {}, 'No console page at ', h('code', {}, path), '. ', h('a', { href: '/' }, 'Home')));
    return;
  }
  const params = path.match(pattern).slice(1).map(decodeURIComponent);
  const ctx = {
    params,
    query: new URLSearchParams(location.search),
    navigate,
    every,
    current: () => mine === generation,
  };
  try {
    await page.render(main, ctx);
  } catch (err) {
    if (mine === generation) onError(err);
  }
}

function onError(err) {
  if (err instanceof SignedOut) {
    toSignIn();
    return;
  }
  const main = document.getElementById('main');
  main.prepend(problem(err));
}

function signInFromFragment() {
  const m = location.hash.match(/^#token=(.+)$/);
  if (!m) return;
  // the token came in the fragment, which is never sent to a server; take it out of the address bar at once
  history.replaceState(null, '', location.pathname + location.search);
  session.signIn(decodeURIComponent(m[1]));
}

document.addEventListener('click', e => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/q/') || a.target) return;
  if (url.hash && url.pathname === location.pathname) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);
window.addEventListener('unhandledrejection', e => {
  if (e.reason instanceof SignedOut) {
    e.preventDefault();
    toSignIn();
  }
});

signInFromFragment();
render();
