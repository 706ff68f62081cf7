// The console shell: hash routes, the "Acting as" name, live refresh (polling every 2 s), toasts and
// announcements. Each page is a module exporting mount(root, params, ctx) → { refresh(), dispose?() }.

import { actor, act, ActorMissing, get } from './api.js';
import { esc, refreshTimes } from './dom.js';
import * as board from './pages/board.js';
import * as incident from './pages/incident.js';
import * as products from './pages/products.js';
import * as product from './pages/product.js';
import * as promotions from './pages/promotions.js';
import * as portfolio from './pages/portfolio.js';
import * as builders from './pages/builders.js';
import * as cluster from './pages/cluster.js';
import * as unrouted from './pages/unrouted.js';

const refreshMs = 2000;

const routes = [
  { pattern: /^\/incidents$/, nav: 'incidents', page: board },
  { pattern: /^\/incidents\/([^/]+)$/, nav: 'incidents', page: incident, keys: ['id'] },
  { pattern: /^\/products$/, nav: 'products', page: products },
  { pattern: /^\/products\/([^/]+)$/, nav: 'products', page: product, keys: ['name'] },
  { pattern: /^\/promotions$/, nav: 'promotions', page: promotions },
  { pattern: /^\/portfolio$/, nav: 'portfolio', page: portfolio },
  { pattern: /^\/builders$/, nav: 'builders', page: builders },
  { pattern: /^\/cluster$/, nav: 'cluster', page: cluster },
  { pattern: /^\/unrouted$/, nav: 'unrouted', page: unrouted },
];

const main = document.getElementById('main');
const actorInput = document.getElementById('actor');
const live = document.getElementById('live');
let current = null;
let timer = null;
let generation = 0;
let firstRoute = true;

// ---- feedback ----

function toast(message, kind = 'ok') {
  const el = document.createElement('div');
  el.className = `toast toast-${kind}`;
  if (kind === 'error') el.setAttribute('role', 'alert');
  el.innerHTML = `<span>${esc(message)}</span><button type="button" class="toast-close" aria-label="Dismiss">×</button>`;
  el.querySelector('button').addEventListener('click', () => el.remove());
  document.getElementById('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 12000 : 5000);
}

let announceTimer = null;
/** Says something to screen readers through the polite live region (board changes, page loads). */
function announce(message) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => { region.textContent = message; }, 50);
}

function setLive(ok, text) {
  live.classList.toggle('live-down', !ok);
  live.querySelector('.live-text').textContent = text;
}

/**
 * Runs a human action: requires a name, disables the button while it runs, reports the outcome, refreshes the
 * page. Returns the API's answer, or null when it failed (the failure was shown).
 */
async function perform(button, description, path, body) {
  if (!actor.get()) {
    toast(new ActorMissing().message, 'error');
    actorInput.focus();
    return null;
  }
  if (button) button.disabled = true;
  try {
    const result = await act(path, body);
    toast(`${description} — done as ${actor.get()}.`);
    await refreshNow();
    return result;
  } catch (e) {
    toast(`${description} failed. ${e.message}`, 'error');
    return null;
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

const ctx = { toast, announce, perform, refreshNow, setTitle };

function setTitle(text) {
  document.title = `${text} · Ops.Orleans`;
}

// ---- header counts ----

async function refreshHeader() {
  const [open, proposed, lost] = await Promise.all([
    get('/api/v1/incidents?state=open&limit=1000'),
    get('/api/v1/promotions?state=proposed'),
    get('/api/v1/unrouted?limit=1'),
  ]);
  const count = (id, n, label) => {
    const el = document.getElementById(id);
    el.hidden = n === 0;
    el.textContent = String(n);
    el.setAttribute('aria-label', label);
  };
  count('nav-open', open.length, `${open.length} open`);
  count('nav-promotions', proposed.length, `${proposed.length} proposed`);
  count('nav-unrouted', lost.total, `${lost.total} unrouted signals`);
}

// ---- refresh loop ----

async function refreshNow() {
  const mine = generation;
  try {
    await Promise.all([current?.refresh(), refreshHeader()]);
    if (mine === generation) setLive(true, `live · ${new Date().toLocaleTimeString([], { hour12: false })}`);
  } catch (e) {
    if (mine !== generation) return;
    setLive(false, 'silo unreachable — retrying');
    console.warn('refresh failed', e);
  }
  refreshTimes(document);
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (!document.hidden) await refreshNow();
    schedule();
  }, current?.refreshMs || refreshMs);
}

// ---- routing ----

function resolve(hash) {
  const path = hash.replace(/^#/, '') || '/';
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m) {
      const params = {};
      (route.keys || []).forEach((key, i) => { params[key] = decodeURIComponent(m[i + 1]); });
      return { route, params };
    }
  }
  return null;
}

async function navigate() {
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    location.replace('#/incidents');
    return;
  }
  generation++;
  current?.dispose?.();
  current = null;
  clearTimeout(timer);
  const found = resolve(location.hash);
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (found && a.dataset.nav === found.route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  main.innerHTML = '';
  main.scrollTop = 0;
  window.scrollTo(0, 0);
  if (!found) {
    setTitle('Not found');
    main.innerHTML = `<h1>Nothing here</h1><p class="panel">No console page answers <code>${esc(location.hash)}</code>. Try the <a href="#/incidents">incidents board</a>.</p>`;
    return;
  }
  const root = document.createElement('div');
  root.className = 'page';
  main.append(root);
  main.setAttribute('aria-busy', 'true');
  current = found.route.page.mount(root, found.params, ctx);
  await refreshNow();
  main.setAttribute('aria-busy', 'false');
  if (!firstRoute) main.focus({ preventScroll: true });
  firstRoute = false;
  schedule();
}

// ---- actor ----

actorInput.value = actor.get();
actorInput.addEventListener('change', () => {
  actor.set(actorInput.value);
  if (actor.get()) toast(`Actions are now recorded as ${actor.get()}.`);
});
document.getElementById('actor-form').addEventListener('submit', (e) => {
  e.preventDefault();
  actor.set(actorInput.value);
  actorInput.blur();
});

document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshNow(); });
window.addEventListener('hashchange', navigate);
navigate();
