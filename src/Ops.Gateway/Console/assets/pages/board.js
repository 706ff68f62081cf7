// #/incidents — the incidents board: open, acknowledged and recently resolved incidents as columns, worst first,
// refreshed every 2 s; new incidents are announced to screen readers.

import { get } from '../api.js';
import { ago, empty, html, productLink, radius, sev, update } from '../dom.js';

const severityRank = { sev1: 1, sev2: 2, sev3: 3 };
const resolvedShown = 15;

const columns = [
  { state: 'open', title: 'Open', hint: 'Nobody has acknowledged these yet: the acknowledgement clock is running.' },
  { state: 'acknowledged', title: 'Acknowledged', hint: 'Someone is on it.' },
  { state: 'resolved', title: 'Resolved', hint: 'Resolved with a fix, newest first.' },
];

function card(i) {
  const others = i.products.filter((p) => p !== i.rootProduct);
  const since = i.state === 'resolved' ? i.resolvedAt : i.state === 'acknowledged' ? i.acknowledgedAt : i.openedAt;
  return html`<li class="card card-${i.severity}" data-incident="${i.incidentId}">
    <div class="card-top">
      ${sev(i.severity)} ${radius(i.blastRadius)}
      <span class="card-age" title="${i.state === 'open' ? 'open for' : i.state + ' for'}">${ago(i.state === 'open' ? i.openedAt : since)}</span>
    </div>
    <a class="card-title" href="#/incidents/${encodeURIComponent(i.incidentId)}" data-key="card-${i.incidentId}">${i.title}</a>
    <div class="card-meta">
      <span class="mono">${i.incidentId}</span>
      <span>root ${productLink(i.rootProduct)}</span>
      ${others.length ? html`<span>also ${others.map((p, n) => html`${n ? ', ' : ''}${productLink(p)}`)}</span>` : ''}
    </div>
  </li>`;
}

function sortFor(state) {
  if (state === 'resolved') return (a, b) => (b.resolvedAt || '').localeCompare(a.resolvedAt || '');
  return (a, b) => severityRank[a.severity] - severityRank[b.severity] || b.openedAt.localeCompare(a.openedAt);
}

export function mount(root, _params, ctx) {
  ctx.setTitle('Incidents');
  root.innerHTML = String(html`
    <div class="page-head">
      <h1>Incidents</h1>
      <p class="page-sub">Failures the ops agents could not absorb. Contained ones page the product's builder; cross-product and platform ones page the escalation tier.</p>
      <div class="toolbar">
        <label for="board-product">Product</label>
        <select id="board-product"><option value="">All products</option></select>
        <label for="board-severity">Severity</label>
        <select id="board-severity">
          <option value="">Any</option><option value="sev1">SEV1</option><option value="sev2">SEV2 or worse</option>
        </select>
      </div>
    </div>
    <div class="tiles" id="board-tiles"></div>
    <div class="board" id="board"></div>`);
  const productSelect = root.querySelector('#board-product');
  const severitySelect = root.querySelector('#board-severity');
  const tiles = root.querySelector('#board-tiles');
  const boardEl = root.querySelector('#board');
  let known = null;
  let last = [];
  let productNames = '';

  function render() {
    const product = productSelect.value;
    const worst = severitySelect.value ? severityRank[severitySelect.value] : 3;
    const shown = last.filter((i) => (!product || i.products.includes(product)) && severityRank[i.severity] <= worst);
    const by = (state) => shown.filter((i) => i.state === state).sort(sortFor(state));
    const open = by('open');
    update(tiles, html`
      <div class="tile tile-alert${open.length ? ' tile-hot' : ''}"><span class="tile-n">${open.length}</span><span class="tile-l">open</span></div>
      <div class="tile"><span class="tile-n">${open.filter((i) => i.severity === 'sev1').length}</span><span class="tile-l">open SEV1</span></div>
      <div class="tile"><span class="tile-n">${by('acknowledged').length}</span><span class="tile-l">acknowledged</span></div>
      <div class="tile"><span class="tile-n">${by('resolved').length}</span><span class="tile-l">resolved recently</span></div>`);
    update(boardEl, html`${columns.map((c) => {
      const items = by(c.state);
      const visible = c.state === 'resolved' ? items.slice(0, resolvedShown) : items;
      return html`<section class="column column-${c.state}" aria-labelledby="col-${c.state}">
        <h2 id="col-${c.state}" class="column-head"><span>${c.title}</span> <span class="count">${items.length}</span></h2>
        <p class="column-hint">${c.hint}</p>
        ${visible.length ? html`<ul class="cards" aria-label="${c.title} incidents">${visible.map(card)}</ul>` : empty(c.state === 'open' ? 'Nothing open. The agents are handling it.' : 'None.')}
        ${items.length > visible.length ? html`<p class="more">${items.length - visible.length} older resolved incidents not shown.</p>` : ''}
      </section>`;
    })}`);
  }

  productSelect.addEventListener('change', render);
  severitySelect.addEventListener('change', render);

  return {
    async refresh() {
      const [incidents, catalog] = await Promise.all([get('/api/v1/incidents?limit=200'), get('/api/v1/products')]);
      const names = catalog.map((p) => p.name).join('\n');
      if (names !== productNames) {
        productNames = names;
        const selected = productSelect.value;
        productSelect.innerHTML = String(html`<option value="">All products</option>${catalog.map((p) => html`<option value="${p.name}">${p.name}</option>`)}`);
        productSelect.value = selected;
      }
      last = incidents;
      render();
      const ids = new Set(incidents.map((i) => i.incidentId));
      if (known) {
        const fresh = incidents.filter((i) => !known.has(i.incidentId));
        if (fresh.length === 1) ctx.announce(`New incident: ${fresh[0].severity.toUpperCase()} ${fresh[0].title}`);
        else if (fresh.length > 1) ctx.announce(`${fresh.length} new incidents`);
      }
      known = ids;
    },
  };
}
