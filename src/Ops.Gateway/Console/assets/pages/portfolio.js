// #/portfolio — each product's maintenance tail (hours of human attention in the window) against its declared
// value, as a scatter, with the portfolio's keep / simplify / retire recommendation and the capacity advice.

import { get } from '../api.js';
import { empty, esc, html, money, num, pill, productLink, raw, update } from '../dom.js';

const W = 900;
const H = 400;
const M = { top: 20, right: 30, bottom: 46, left: 58 };
const colors = { keep: '#15803d', simplify: '#b45309', retire: '#b91c1c', retired: '#6b7280' };

/** Value axis: log10(1 + value), so a 1,000-a-year product and a 500,000-a-year one both stay readable. */
const lv = (v) => Math.log10(1 + Math.max(0, Number(v)));

function niceMax(max) {
  if (max <= 0) return 10;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil((max * 1.15) / step) * step;
}

/** Places each label right, left, above or below its point, whichever overlaps no label placed so far. */
function placeLabels(points) {
  const boxes = [];
  const overlaps = (b) => boxes.some((o) => b.x < o.x + o.w && b.x + b.w > o.x && b.y < o.y + o.h && b.y + b.h > o.y)
    || b.x < M.left || b.x + b.w > W - 4 || b.y < 2 || b.y + b.h > H - M.bottom;
  for (const p of points) {
    const w = p.label.length * 7.2 + 4;
    const h = 14;
    const options = [
      { x: p.x + 9, y: p.y - h / 2, anchor: 'start' },
      { x: p.x - 9 - w, y: p.y - h / 2, anchor: 'end' },
      { x: p.x - w / 2, y: p.y - 10 - h, anchor: 'middle' },
      { x: p.x - w / 2, y: p.y + 10, anchor: 'middle' },
      { x: p.x + 9, y: p.y - h / 2 - 13, anchor: 'start' },
      { x: p.x + 9, y: p.y - h / 2 + 13, anchor: 'start' },
    ];
    const chosen = options.find((o) => !overlaps({ ...o, w, h })) || options[0];
    boxes.push({ ...chosen, w, h });
    p.lx = chosen.anchor === 'start' ? chosen.x + 2 : chosen.anchor === 'end' ? chosen.x + w - 2 : chosen.x + w / 2;
    p.ly = chosen.y + h - 3;
    p.anchor = chosen.anchor;
  }
}

function scatter(entries) {
  const maxX = Math.max(4, Math.ceil(lv(Math.max(...entries.map((e) => e.value)))));
  const maxY = niceMax(Math.max(...entries.map((e) => e.tailCost)));
  const x = (v) => M.left + (lv(v) / maxX) * (W - M.left - M.right);
  const y = (t) => H - M.bottom - (t / maxY) * (H - M.top - M.bottom);
  const xTicks = Array.from({ length: maxX + 1 }, (_, i) => (i === 0 ? 0 : 10 ** i));
  const yTicks = Array.from({ length: 6 }, (_, i) => (maxY / 5) * i);
  const points = entries
    .map((e) => ({ e, x: x(e.value), y: y(e.tailCost), label: e.product }))
    .sort((a, b) => b.e.tailCost - a.e.tailCost);
  placeLabels(points);
  const svg = [];
  svg.push(`<svg class="scatter" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="scatter-title scatter-desc" preserveAspectRatio="xMidYMid meet">`);
  svg.push('<title id="scatter-title">Tail cost against value, one point per product</title>');
  svg.push(`<desc id="scatter-desc">${esc(entries.map((e) => `${e.product}: value ${money(e.value)}, tail ${num(e.tailCost, 1)} hours, ${e.recommendation}`).join('; '))}</desc>`);
  // The corner nobody wants to be in: a lot of attention for little value.
  svg.push(`<rect x="${M.left}" y="${M.top}" width="${(W - M.left - M.right) * 0.42}" height="${(H - M.top - M.bottom) * 0.45}" class="zone"/>`);
  svg.push(`<text x="${M.left + 8}" y="${M.top + 16}" class="zone-label">high tail, low value</text>`);
  for (const t of yTicks) {
    svg.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" class="grid"/>`);
    svg.push(`<text x="${M.left - 8}" y="${y(t) + 4}" class="tick" text-anchor="end">${num(t, 1)}</text>`);
  }
  for (const t of xTicks) {
    svg.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top}" y2="${H - M.bottom}" class="grid"/>`);
    svg.push(`<text x="${x(t)}" y="${H - M.bottom + 18}" class="tick" text-anchor="middle">${t === 0 ? '0' : money(t)}</text>`);
  }
  svg.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" class="axis"/>`);
  svg.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" class="axis"/>`);
  svg.push(`<text x="${(W + M.left - M.right) / 2}" y="${H - 8}" class="axis-label" text-anchor="middle">declared value per year (log scale)</text>`);
  svg.push(`<text transform="translate(16 ${(H - M.bottom + M.top) / 2}) rotate(-90)" class="axis-label" text-anchor="middle">tail cost (hours)</text>`);
  for (const p of points) {
    const color = colors[p.e.recommendation] || '#1d4ed8';
    svg.push(`<g class="point"><circle cx="${p.x}" cy="${p.y}" r="6.5" fill="${color}" stroke="#fff" stroke-width="1.5"><title>${esc(`${p.e.product} — value ${money(p.e.value)}/yr, tail ${num(p.e.tailCost, 1)} h: ${p.e.recommendation}`)}</title></circle>`);
    svg.push(`<text x="${p.lx}" y="${p.ly}" text-anchor="${p.anchor}" class="point-label">${esc(p.label)}</text></g>`);
  }
  svg.push('</svg>');
  return raw(svg.join(''));
}

export function mount(root, _params, ctx) {
  ctx.setTitle('Portfolio');
  root.innerHTML = String(html`
    <div class="page-head">
      <h1>Portfolio</h1>
      <p class="page-sub" id="portfolio-sub">What each product costs in human attention against what it is worth.</p>
    </div>
    <div class="layout-2 layout-2-wide">
      <section class="panel" aria-labelledby="h-scatter">
        <h2 id="h-scatter">Tail cost against value</h2>
        <div id="scatter"></div>
        <ul class="legend" aria-label="Recommendation colors">
          <li><span class="swatch swatch-keep" aria-hidden="true"></span>keep</li>
          <li><span class="swatch swatch-simplify" aria-hidden="true"></span>simplify</li>
          <li><span class="swatch swatch-retire" aria-hidden="true"></span>retire</li>
          <li><span class="swatch swatch-retired" aria-hidden="true"></span>retired</li>
        </ul>
      </section>
      <section class="panel" aria-labelledby="h-capacity-recs">
        <h2 id="h-capacity-recs">Recommendations</h2>
        <div id="portfolio-recs"></div>
      </section>
    </div>
    <section class="panel" aria-labelledby="h-ranked"><h2 id="h-ranked">Products by tail</h2><div id="portfolio-table"></div></section>`);
  const $ = (sel) => root.querySelector(sel);

  return {
    async refresh() {
      const p = await get('/api/v1/portfolio');
      const entries = [...p.products].sort((a, b) => b.tailCost - a.tailCost);
      $('#portfolio-sub').textContent = `What each product costs in human attention over the last ${p.windowDays} days (2 h per incident, 0.5 h per page, 3 min per runbook run, plus toil) against what it is worth.`;
      update($('#scatter'), entries.length ? scatter(entries) : empty('No products yet.'));
      const advice = [
        ...entries.filter((e) => e.recommendation === 'retire' || e.recommendation === 'simplify').map((e) => html`<li>
          ${pill(e.recommendation)} ${productLink(e.product)} <span class="muted">(${e.owner})</span><div class="small">${e.why || ''}</div></li>`),
        ...p.recommendations.map((r) => html`<li>${pill(r.kind)} <strong>${r.builder}</strong>${r.product ? html`: ${productLink(r.product)}` : ''}${r.to ? html` → ${r.to}` : ''}<div class="small">${r.why}</div></li>`),
      ];
      update($('#portfolio-recs'), advice.length ? html`<ul class="advice">${advice}</ul>` : empty('Nothing to change: every product is worth its tail and every builder is within capacity.'));
      update($('#portfolio-table'), html`<div class="table-wrap"><table>
        <caption class="visually-hidden">Products by tail cost, highest first</caption>
        <thead><tr><th scope="col">Product</th><th scope="col">Owner</th><th scope="col">Lifecycle</th><th scope="col" class="num">Value / yr</th>
          <th scope="col" class="num">Incidents</th><th scope="col" class="num">Pages</th><th scope="col" class="num">Runs</th><th scope="col" class="num">Toil (min)</th>
          <th scope="col" class="num">Tail (h)</th><th scope="col">Recommendation</th><th scope="col">Why</th></tr></thead>
        <tbody>${entries.map((e) => html`<tr>
          <td>${productLink(e.product)}</td><td>${e.owner}</td><td>${pill(e.lifecycle)}</td><td class="num">${money(e.value)}</td>
          <td class="num">${e.incidents}</td><td class="num">${e.pages}</td><td class="num">${e.runs}</td><td class="num">${num(e.toilMinutes, 0)}</td>
          <td class="num strong">${num(e.tailCost, 1)}</td><td>${pill(e.recommendation)}</td><td class="small">${e.why || ''}</td>
        </tr>`)}</tbody></table></div>`);
    },
  };
}
