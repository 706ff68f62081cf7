// #/unrouted — signals and change events that matched no product: kept, counted and shown so a missing alias or
// routing key is noticed instead of silently losing alerts.

import { get } from '../api.js';
import { ago, empty, hint, html, labels, pill, update } from '../dom.js';

export function mount(root, _params, ctx) {
  ctx.setTitle('Unrouted signals');
  root.innerHTML = String(html`
    <div class="page-head">
      <h1>Unrouted signals</h1>
      <p class="page-sub">Nothing is guessed: a signal whose product label, routing key or service / component / app label names no catalog product lands here.
        Add the name as an alias (or the routing key) on the right product and the next one routes.</p>
    </div>
    <div class="tiles" id="unrouted-tiles"></div>
    <section class="panel" aria-labelledby="h-recent"><h2 id="h-recent">Most recent</h2><div id="unrouted"></div></section>`);
  const $ = (sel) => root.querySelector(sel);

  return {
    async refresh() {
      const u = await get('/api/v1/unrouted?limit=200');
      const senders = new Set(u.recent.map((s) => s.sourceIdentity || s.source));
      update($('#unrouted-tiles'), html`
        <div class="tile${u.total ? ' tile-warn' : ''}"><span class="tile-n">${u.total}</span><span class="tile-l">unrouted since start</span></div>
        <div class="tile"><span class="tile-n">${u.recent.length}</span><span class="tile-l">shown</span></div>
        <div class="tile"><span class="tile-n">${senders.size}</span><span class="tile-l">distinct senders</span></div>`);
      update($('#unrouted'), u.recent.length ? html`<div class="table-wrap"><table>
        <caption class="visually-hidden">Unrouted signals, newest first</caption>
        <thead><tr><th scope="col">Received</th><th scope="col">Summary</th><th scope="col">Status</th><th scope="col">Severity</th>
          <th scope="col">Labels</th><th scope="col">Format</th><th scope="col">Sender</th><th scope="col">Payload</th></tr></thead>
        <tbody>${u.recent.map((s) => html`<tr>
          <td>${ago(s.receivedAt)}</td>
          <td><div>${s.summary}</div><div class="mono muted small">${s.fingerprint}</div>${s.routingKey ? html`<div class="mono small">routing key ${s.routingKey}</div>` : ''}</td>
          <td>${pill(s.status)}</td>
          <td>${hint(s.severity)}</td>
          <td>${labels(s.labels, [])}</td>
          <td class="small">${s.source}</td>
          <td class="small">${s.sourceIdentity || ''}</td>
          <td>${s.rawPayload ? html`<details><summary>JSON</summary><pre class="payload">${s.rawPayload}</pre></details>` : ''}</td>
        </tr>`)}</tbody></table></div>` : empty('Every signal found its product.'));
    },
  };
}
