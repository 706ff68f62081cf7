// #/cluster — the silos sharing the database and the partition map: who owns each partition, at which epoch,
// how much lease is left, and how far behind this silo's inbox is.

import { get } from '../api.js';
import { ago, empty, html, pill, update } from '../dom.js';

// One color per owner silo; white text on each passes WCAG AA.
const palette = ['#1d4ed8', '#047857', '#7c3aed', '#b45309', '#be185d', '#0e7490', '#4d7c0f', '#9f1239'];

const short = (guid) => (guid ? guid.slice(0, 8) : '');

export function mount(root, _params, ctx) {
  ctx.setTitle('Cluster');
  root.innerHTML = String(html`
    <div class="page-head">
      <h1>Cluster</h1>
      <p class="page-sub">Silos that share this database and the partitions they lease. A grain lives in exactly one partition; a partition is served by one silo at a time, fenced by its epoch.</p>
    </div>
    <div class="tiles" id="cluster-tiles"></div>
    <section class="panel" aria-labelledby="h-silos"><h2 id="h-silos">Silos</h2><div id="silos"></div></section>
    <section class="panel" aria-labelledby="h-partitions"><h2 id="h-partitions">Partitions</h2>
      <p class="help">Colored by owner. Hover or focus a partition for its epoch, lease time left and inbox lag; an outline marks partitions this silo serves.</p>
      <div id="partitions"></div></section>`);
  const $ = (sel) => root.querySelector(sel);

  return {
    async refresh() {
      const c = await get('/api/v1/cluster');
      const colorOf = new Map(c.silos.map((s, i) => [s.siloId, palette[i % palette.length]]));
      const nameOf = new Map(c.silos.map((s) => [s.siloId, s.siloName]));
      const owned = (id) => c.partitions.filter((p) => p.ownerSilo === id).length;
      const lag = c.partitions.reduce((sum, p) => sum + (p.inboxLag || 0), 0);
      const unowned = c.partitions.filter((p) => !p.ownerSilo).length;
      update($('#cluster-tiles'), html`
        <div class="tile"><span class="tile-n">${c.silos.filter((s) => s.status === 'active').length}</span><span class="tile-l">active silos</span></div>
        <div class="tile"><span class="tile-n">${c.partitions.length}</span><span class="tile-l">partitions</span></div>
        <div class="tile"><span class="tile-n">${c.partitions.filter((p) => p.servedHere).length}</span><span class="tile-l">served here</span></div>
        <div class="tile${unowned ? ' tile-hot' : ''}"><span class="tile-n">${unowned}</span><span class="tile-l">without owner</span></div>
        <div class="tile${lag > 100 ? ' tile-hot' : ''}"><span class="tile-n">${lag}</span><span class="tile-l">inbox records behind</span></div>`);
      update($('#silos'), c.silos.length ? html`<div class="table-wrap"><table>
        <caption class="visually-hidden">Silos</caption>
        <thead><tr><th scope="col"><span class="visually-hidden">Color</span></th><th scope="col">Silo</th><th scope="col">Id</th><th scope="col">Status</th><th scope="col">Address</th>
          <th scope="col" class="num">Process</th><th scope="col" class="num">Partitions</th><th scope="col">Started</th><th scope="col">Heartbeat</th></tr></thead>
        <tbody>${c.silos.map((s) => html`<tr${s.siloId === c.thisSilo ? html` class="row-self"` : ''}>
          <td><span class="swatch" data-bg="${colorOf.get(s.siloId)}" aria-hidden="true"></span></td>
          <td class="strong">${s.siloName}${s.siloId === c.thisSilo ? html` <span class="chip chip-strong">this silo</span>` : ''}</td>
          <td class="mono small" title="${s.siloId}">${short(s.siloId)}</td>
          <td>${pill(s.status)}</td>
          <td class="mono small">${s.host}:${s.gatewayPort}</td>
          <td class="num">${s.processId}</td>
          <td class="num">${owned(s.siloId)}</td>
          <td>${ago(s.startedAt)}</td>
          <td>${ago(s.heartbeatAt)}</td>
        </tr>`)}</tbody></table></div>` : empty('No silo has registered.'));
      update($('#partitions'), html`<ul class="partition-grid" aria-label="Partitions by owner">${c.partitions.map((p) => {
        const owner = p.ownerSilo ? `${nameOf.get(p.ownerSilo) || short(p.ownerSilo)}` : 'no owner';
        const tip = `partition ${p.partitionId} · ${owner} · epoch ${p.epoch} · lease ${p.leaseRemainingSeconds}s left · inbox lag ${p.inboxLag ?? 'n/a'}${p.servedHere ? ' · served here' : ''}`;
        return html`<li class="partition${p.ownerSilo ? '' : ' partition-free'}${p.servedHere ? ' partition-here' : ''}${p.inboxLag ? ' partition-lag' : ''}"
          tabindex="0" data-key="partition-${p.partitionId}" data-bg="${p.ownerSilo ? colorOf.get(p.ownerSilo) || '#6b7280' : ''}" data-tip="${tip}" aria-label="${tip}">
          <span class="partition-id">${p.partitionId}</span>${p.inboxLag ? html`<span class="partition-badge">${p.inboxLag}</span>` : ''}
        </li>`;
      })}</ul>
      <ul class="legend" aria-label="Owners">${c.silos.map((s) => html`<li><span class="swatch" data-bg="${colorOf.get(s.siloId)}" aria-hidden="true"></span>${s.siloName} (${owned(s.siloId)})</li>`)}
        ${unowned ? html`<li><span class="swatch swatch-free" aria-hidden="true"></span>no owner (${unowned})</li>` : ''}</ul>`);
    },
  };
}
