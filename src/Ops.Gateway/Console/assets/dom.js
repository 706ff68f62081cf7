// Markup helpers shared by the pages: an escaping template tag, in-place updates that keep focus, times that
// age in place, and the small vocabulary of badges the console uses everywhere.

class Markup {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

/** Trusted markup, inserted as is. */
export const raw = (text) => new Markup(String(text));

const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export const esc = (value) => String(value).replace(/[&<>"']/g, (c) => entities[c]);

function interpolate(value) {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  return esc(value);
}

/** html`<p>${text}</p>`: interpolated values are escaped unless they are markup (raw() or another html``). */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]) + strings[i + 1];
  return new Markup(out);
}

/**
 * Replaces the content of el when the markup changed, keeping keyboard focus on the element with the same
 * data-key (or id) and the scroll position. Returns whether anything changed.
 */
export function update(el, markup) {
  const text = String(markup);
  if (el.dataset.rendered !== undefined && el._markup === text) {
    refreshTimes(el);
    return false;
  }
  const active = document.activeElement;
  const key = active && el.contains(active) ? (active.dataset.key || active.id || null) : null;
  el.innerHTML = text;
  el._markup = text;
  el.dataset.rendered = '';
  applyStyles(el);
  refreshTimes(el);
  if (key) {
    const again = el.querySelector(`[data-key="${CSS.escape(key)}"]`) || document.getElementById(key);
    again?.focus({ preventScroll: true });
  }
  return true;
}

/** Sizes and colors come through data attributes: the page's Content-Security-Policy forbids inline styles. */
export function applyStyles(root) {
  for (const el of root.querySelectorAll('[data-w]')) el.style.width = `${el.dataset.w}%`;
  for (const el of root.querySelectorAll('[data-left]')) el.style.left = `${el.dataset.left}%`;
  for (const el of root.querySelectorAll('[data-bg]')) el.style.backgroundColor = el.dataset.bg;
}

// ---- time ----

const pad = (n) => String(n).padStart(2, '0');

/** 2026-11-23 14:05:09 in the browser's time zone. */
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** 14:05:09 today, else the full date and time. */
export function shortTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : dateTime(iso);
}

/** A span of milliseconds as 45s, 12m, 3h 05m, 2d 4h. */
export function span(ms) {
  const s = Math.max(0, Math.round(Math.abs(ms) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** 3m ago, in 12m. */
export function relative(iso, now = Date.now()) {
  const delta = new Date(iso).getTime() - now;
  if (Math.abs(delta) < 5000) return 'just now';
  return delta < 0 ? `${span(delta)} ago` : `in ${span(delta)}`;
}

/** A <time> that shows its age ("3m ago") and keeps it current; the exact time is in its title. */
export function ago(iso, mode = 'rel') {
  if (!iso) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}" data-time="${mode}" title="${dateTime(iso)}"></time>`;
}

/** Fills every <time data-time> under root with its current relative text. */
export function refreshTimes(root = document) {
  const now = Date.now();
  for (const el of root.querySelectorAll('time[data-time]')) {
    const iso = el.getAttribute('datetime');
    const text = el.dataset.time === 'age' ? span(now - new Date(iso).getTime()) : relative(iso, now);
    if (el.textContent !== text) el.textContent = text;
  }
}

/** A .NET time span ("00:05:00", "1.02:00:00") in words: 5m, 1d 2h. */
export function timeSpan(value) {
  if (!value) return '';
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)(?:\.\d+)?$/.exec(value);
  if (!match) return value;
  const [, d = '0', h, m, s] = match;
  const parts = [];
  if (+d) parts.push(`${+d}d`);
  if (+h) parts.push(`${+h}h`);
  if (+m) parts.push(`${+m}m`);
  if (+s || parts.length === 0) parts.push(`${+s}s`);
  return parts.join(' ');
}

// ---- numbers ----

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** 500000 → 500K. */
export const money = (n) => compact.format(Number(n) || 0);

/** A number with at most `digits` decimals, trailing zeros dropped. */
export const num = (n, digits = 2) => (n === undefined || n === null ? '' : String(Math.round(Number(n) * 10 ** digits) / 10 ** digits));

// ---- vocabulary ----

const severityNames = { sev1: 'SEV1', sev2: 'SEV2', sev3: 'SEV3' };

/** SEV1 / SEV2 / SEV3 in their colors (the text says it too: color is never the only signal). */
export const sev = (severity) => html`<span class="sev sev-${severity}">${severityNames[severity] || severity}</span>`;

/** A sender's severity hint (critical, error, warning, info). */
export const hint = (severity) => html`<span class="hint hint-${severity}">${severity}</span>`;

/** A state pill: incidents, runs, promotions, symptoms, silos share one palette keyed by the state's name. */
export const pill = (state) => html`<span class="pill pill-${state}">${String(state).replaceAll('-', ' ')}</span>`;

const radiusText = { product: 'contained', 'cross-product': 'cross-product', platform: 'platform' };

/** Blast radius: contained (the builder is paged), cross-product or platform (the escalation tier is paged). */
export const radius = (value) => html`<span class="radius radius-${value}" title="Blast radius">${radiusText[value] || value}</span>`;

/** Labels as key=value chips (the product label left out: the page already says which product). */
export function labels(map, skip = ['product']) {
  const entries = Object.entries(map || {}).filter(([k]) => !skip.includes(k)).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return html`<span class="muted">—</span>`;
  return html`<span class="chips">${entries.map(([k, v]) => html`<span class="chip" title="${k}=${v}"><span class="chip-k">${k}</span>=${v}</span>`)}</span>`;
}

export const productLink = (name) => html`<a href="#/products/${encodeURIComponent(name)}">${name}</a>`;

export const incidentLink = (id, text = id) => html`<a class="mono" href="#/incidents/${encodeURIComponent(id)}">${text}</a>`;

export const empty = (text) => html`<p class="empty">${text}</p>`;

/** The "what happens" of a runbook step: HTTP POST url, command name args, rollback, signal history. */
export function step(s) {
  switch (s.kind) {
    case 'http': return html`<span class="step"><span class="step-kind">HTTP ${s.http?.method || 'POST'}</span> <span class="mono break">${s.http?.url}</span></span>`;
    case 'command': return html`<span class="step"><span class="step-kind">command</span> <span class="mono">${[s.command, ...(s.arguments || [])].join(' ')}</span></span>`;
    case 'rollback': return html`<span class="step"><span class="step-kind">rollback</span> the product's last change</span>`;
    case 'signal-history': return html`<span class="step"><span class="step-kind">signal history</span> of the symptom</span>`;
    default: return html`<span class="step"><span class="step-kind">${s.kind}</span> ${s.name}</span>`;
  }
}

/** A runbook's match: layer, labels, fingerprint glob, severities. */
export function match(m = {}) {
  return html`<span class="chips">
    ${m.layer ? html`<span class="chip chip-strong">layer ${m.layer}</span>` : ''}
    ${Object.entries(m.labels || {}).map(([k, v]) => html`<span class="chip" title="${k}=${v}"><span class="chip-k">${k}</span>=${v}</span>`)}
    ${m.fingerprint ? html`<span class="chip">fingerprint ${m.fingerprint}</span>` : ''}
    ${(m.severities || []).length ? html`<span class="chip">severity ${m.severities.join('|')}</span>` : ''}
  </span>`;
}
