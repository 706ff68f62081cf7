// #/builders — each builder's load (live products + pages + incidents + toil over the window) against the
// capacity they declared, their recent pages, the escalation tiers, and what to do about overloaded builders.

import { get } from '../api.js';
import { ago, empty, html, num, pill, productLink, sev, update } from '../dom.js';

const pagesShown = 5;

function bar(b, scale) {
  const fill = Math.min(100, (b.load / scale) * 100);
  const cap = Math.min(100, (b.capacity / scale) * 100);
  const ratio = b.capacity > 0 ? b.load / b.capacity : 1;
  const level = b.overCapacity ? 'over' : ratio >= 0.8 ? 'near' : 'ok';
  return html`<div class="load">
    <div class="load-track" role="meter" aria-valuemin="0" aria-valuemax="${num(b.capacity)}" aria-valuenow="${num(b.load)}"
         aria-label="${b.builder} load ${num(b.load)} of capacity ${num(b.capacity)}">
      <div class="load-fill load-${level}" data-w="${num(fill, 1)}"></div>
      <div class="load-cap" data-left="${num(cap, 1)}" title="capacity ${num(b.capacity)}"></div>
    </div>
    <div class="load-text"><strong>${num(b.load)}</strong> / ${num(b.capacity)}${b.overCapacity ? html` <span class="pill pill-over">over capacity</span>` : ''}</div>
  </div>`;
}

function pages(list) {
  if (!list.length) return html`<span class="muted small">no pages</span>`;
  return html`<ul class="pagebook">${list.slice(0, pagesShown).map((p) => html`<li>
    ${sev(p.severity)} <a href="${p.incidentId.startsWith('inc-') ? `#/incidents/${encodeURIComponent(p.incidentId)}` : '#/promotions'}">${p.title}</a>
    <span class="muted small">${p.reason.replaceAll('-', ' ')} ${ago(p.at)}${p.acknowledgedAt ? ' · acknowledged' : ''}</span>
  </li>`)}</ul>`;
}

export function mount(root, _params, ctx) {
  ctx.setTitle('Builders');
  root.innerHTML = String(html`
    <div class="page-head">
      <h1>Builders</h1>
      <p class="page-sub">Load is live products owned plus pages, incidents and toil over the trailing window, against the capacity each team declared. The line marks capacity.</p>
    </div>
    <section class="panel" aria-labelledby="h-load"><h2 id="h-load">Load against capacity</h2><div id="builders"></div></section>
    <div class="layout-2 layout-2-even">
      <section class="panel" aria-labelledby="h-recs"><h2 id="h-recs">Capacity recommendations</h2><div id="builder-recs"></div></section>
      <section class="panel" aria-labelledby="h-tiers"><h2 id="h-tiers">Escalation tiers</h2><div id="tiers"></div></section>
    </div>`);
  const $ = (sel) => root.querySelector(sel);

  return {
    async refresh() {
      const [capacity, builders, tiers] = await Promise.all([get('/api/v1/capacity'), get('/api/v1/builders'), get('/api/v1/tiers')]);
      const specs = new Map(builders.map((b) => [b.spec.name, b]));
      const scale = Math.max(1, ...capacity.builders.map((b) => Math.max(b.capacity, b.load))) * 1.1;
      update($('#builders'), capacity.builders.length ? html`<div class="table-wrap"><table class="builders">
        <caption class="visually-hidden">Builders by name</caption>
        <thead><tr><th scope="col">Builder</th><th scope="col" class="col-load">Load / capacity</th><th scope="col">Owns</th>
          <th scope="col" class="num">Pages</th><th scope="col" class="num">Incidents</th><th scope="col" class="num">Toil (min)</th><th scope="col">Recent pages</th></tr></thead>
        <tbody>${capacity.builders.map((b) => {
          const d = specs.get(b.builder);
          const s = d?.spec;
          return html`<tr>
            <td><div class="strong">${s?.displayName || b.builder}</div>
              ${s?.displayName ? html`<div class="mono muted small">${b.builder}</div>` : ''}
              ${s?.members?.length ? html`<div class="small">${s.members.map((m) => m.name).join(', ')}</div>` : ''}
              ${s?.channels?.length ? html`<div class="muted small">${s.channels.map((c) => c.name || c.kind).join(', ')}</div>` : ''}
              ${s?.escalatesTo ? html`<div class="muted small">escalates to ${s.escalatesTo}</div>` : ''}</td>
            <td>${bar(b, scale)}</td>
            <td>${b.ownedProducts.length ? b.ownedProducts.map((p, n) => html`${n ? ', ' : ''}${productLink(p)}`) : html`<span class="muted">—</span>`}</td>
            <td class="num">${b.pagesInWindow}</td>
            <td class="num">${b.incidentsInWindow}</td>
            <td class="num">${num(b.toilMinutesInWindow, 0)}</td>
            <td>${pages(d?.live.pages || [])}</td>
          </tr>`;
        })}</tbody></table></div>` : empty('No builders in the catalog.'));
      update($('#builder-recs'), capacity.recommendations.length
        ? html`<ul class="advice">${capacity.recommendations.map((r) => html`<li>${pill(r.kind)} <strong>${r.builder}</strong>${r.product ? html`: ${productLink(r.product)}` : ''}${r.to ? html` → ${r.to}` : ''}<div class="small">${r.why}</div></li>`)}</ul>`
        : empty('Every builder is within capacity.'));
      update($('#tiers'), tiers.length ? html`<div class="table-wrap"><table>
        <caption class="visually-hidden">Escalation tiers</caption>
        <thead><tr><th scope="col">Tier</th><th scope="col">Members</th><th scope="col">Next</th><th scope="col" class="num">Pages</th><th scope="col">Latest</th></tr></thead>
        <tbody>${tiers.map((t) => html`<tr>
          <td><span class="strong">${t.spec.displayName || t.spec.name}</span>${t.spec.default ? html` <span class="chip chip-strong">default</span>` : ''}</td>
          <td>${t.spec.members.map((m) => m.name).join(', ') || html`<span class="muted">—</span>`}</td>
          <td>${t.spec.next || html`<span class="muted">last</span>`}</td>
          <td class="num">${t.live.pagesInWindow}</td>
          <td>${t.live.pages.length ? html`${sev(t.live.pages[0].severity)} <a href="#/incidents/${encodeURIComponent(t.live.pages[0].incidentId)}">${t.live.pages[0].title}</a> <span class="muted small">${ago(t.live.pages[0].at)}</span>` : html`<span class="muted">—</span>`}</td>
        </tr>`)}</tbody></table></div>` : empty('No escalation tiers in the catalog.'));
    },
  };
}
