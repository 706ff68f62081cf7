// #/promotions — the owners' inbox: runbooks the rule of three proposed (approve = confirm first, promote =
// automatic at once, reject) and runs of confirm-first runbooks waiting for approval; then what was decided.

import { enc, get } from '../api.js';
import { ago, empty, html, incidentLink, match, pill, productLink, shortTime, step, timeSpan, update } from '../dom.js';

function proposal(p) {
  const r = p.runbook;
  const id = p.promotionId;
  return html`<li class="proposal" data-promotion="${id}">
    <div class="proposal-head">
      <h3><span class="mono">${r.name}</span> <span class="muted">v${r.version}</span></h3>
      <span>for ${productLink(p.product)}</span>
      <span class="muted">proposed ${ago(p.proposedAt)}</span>
    </div>
    <p class="small">${p.incidents.length} incident${p.incidents.length === 1 ? ' was' : 's were'} resolved with the same fix: ${p.incidents.map((i, n) => html`${n ? ', ' : ''}${incidentLink(i)}`)}.</p>
    <dl class="kv kv-wide">
      <dt>When</dt><dd>${match(r.match)}</dd>
      <dt>Do</dt><dd>${r.remediation.map((s, n) => html`${n ? html`<br>` : ''}${step(s)}`)}</dd>
      <dt>Verify</dt><dd>the symptom resolves within ${timeSpan(r.verification.window)}; at most ${r.guardrails.maxRunsPerHour} runs per hour, ${timeSpan(r.guardrails.cooldown)} apart</dd>
    </dl>
    <div class="button-row">
      <button type="button" class="btn btn-primary" data-action="approve" data-product="${p.product}" data-promotion="${id}" data-key="approve-${id}"
        aria-describedby="approve-help">Approve <span class="visually-hidden">${r.name}</span></button>
      <button type="button" class="btn btn-promote" data-action="promote" data-product="${p.product}" data-promotion="${id}" data-key="promote-${id}"
        aria-describedby="promote-help">Promote <span class="visually-hidden">${r.name}</span></button>
      <button type="button" class="btn btn-danger" data-action="reject" data-product="${p.product}" data-promotion="${id}" data-key="reject-${id}">Reject <span class="visually-hidden">${r.name}</span></button>
    </div>
  </li>`;
}

function waiting(list) {
  if (!list.length) return empty('No run is waiting for approval.');
  return html`<div class="table-wrap"><table>
    <caption class="visually-hidden">Runs waiting for the owner's approval</caption>
    <thead><tr><th scope="col">Product</th><th scope="col">Run</th><th scope="col">Runbook</th><th scope="col">Occurrence</th><th scope="col">Proposed</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${list.map(({ product, run }) => html`<tr>
      <td>${productLink(product)}</td>
      <td class="mono">${run.runId}</td>
      <td>${run.runbook} <span class="muted">v${run.runbookVersion}</span></td>
      <td class="mono small">${run.occurrenceId}</td>
      <td>${ago(run.startedAt)}</td>
      <td class="actions-cell">
        <button type="button" class="btn btn-primary btn-small" data-action="approve-run" data-product="${product}" data-run="${run.runId}" data-key="approve-${run.runId}">Approve <span class="visually-hidden">run ${run.runId}</span></button>
        <button type="button" class="btn btn-danger btn-small" data-action="reject-run" data-product="${product}" data-run="${run.runId}" data-key="reject-${run.runId}">Reject <span class="visually-hidden">run ${run.runId}</span></button>
      </td>
    </tr>`)}</tbody></table></div>`;
}

function decided(list) {
  if (!list.length) return empty('Nothing decided yet.');
  return html`<div class="table-wrap"><table>
    <caption class="visually-hidden">Decided promotions, newest first</caption>
    <thead><tr><th scope="col">Runbook</th><th scope="col">Product</th><th scope="col">State</th><th scope="col">Decided</th><th scope="col">By</th><th scope="col" class="num">Approved runs verified</th></tr></thead>
    <tbody>${list.map((p) => html`<tr>
      <td><span class="mono">${p.runbook.name}</span> <span class="muted">v${p.runbook.version}</span></td>
      <td>${productLink(p.product)}</td>
      <td>${pill(p.state)}</td>
      <td>${p.decidedAt ? html`${ago(p.decidedAt)} <span class="muted small">${shortTime(p.decidedAt)}</span>` : ''}</td>
      <td>${p.decidedBy || ''}</td>
      <td class="num">${p.successfulApprovedRuns}</td>
    </tr>`)}</tbody></table></div>`;
}

const verbs = {
  approve: (b) => [`Approve ${b.dataset.promotion}`, `/api/v1/products/${enc(b.dataset.product)}/promotions/${enc(b.dataset.promotion)}/approve`],
  promote: (b) => [`Promote ${b.dataset.promotion}`, `/api/v1/products/${enc(b.dataset.product)}/promotions/${enc(b.dataset.promotion)}/promote`],
  reject: (b) => [`Reject ${b.dataset.promotion}`, `/api/v1/products/${enc(b.dataset.product)}/promotions/${enc(b.dataset.promotion)}/reject`],
  'approve-run': (b) => [`Approve run ${b.dataset.run}`, `/api/v1/products/${enc(b.dataset.product)}/runs/${enc(b.dataset.run)}/approve`],
  'reject-run': (b) => [`Reject run ${b.dataset.run}`, `/api/v1/products/${enc(b.dataset.product)}/runs/${enc(b.dataset.run)}/reject`],
};

export function mount(root, _params, ctx) {
  ctx.setTitle('Promotions');
  root.innerHTML = String(html`
    <div class="page-head">
      <h1>Promotions</h1>
      <p class="page-sub">When people resolve the same kind of symptom with the same fix, the ops agent proposes a runbook. You decide whether it acts on its own.</p>
    </div>
    <div class="legend-row small">
      <span id="approve-help"><strong>Approve</strong>: active, confirm first — each occurrence proposes a run and waits for the owner; after enough verified runs it becomes automatic.</span>
      <span id="promote-help"><strong>Promote</strong>: active and automatic now — the next occurrence is remediated without paging anyone.</span>
      <span><strong>Reject</strong>: discarded.</span>
    </div>
    <section class="panel" aria-labelledby="h-inbox"><h2 id="h-inbox">Inbox <span class="count" id="inbox-count"></span></h2><div id="inbox"></div></section>
    <section class="panel" aria-labelledby="h-waiting"><h2 id="h-waiting">Runs waiting for approval</h2><div id="waiting"></div></section>
    <section class="panel" aria-labelledby="h-decided"><h2 id="h-decided">Decided</h2><div id="decided"></div></section>`);
  const $ = (sel) => root.querySelector(sel);

  root.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (!button || !verbs[button.dataset.action]) return;
    const [description, path] = verbs[button.dataset.action](button);
    ctx.perform(button, description, path);
  });

  return {
    refreshMs: 3000,
    async refresh() {
      const [all, products] = await Promise.all([get('/api/v1/promotions'), get('/api/v1/products')]);
      const agents = await Promise.all(products.filter((p) => p.lifecycle !== 'retired').map((p) => get(`/api/v1/products/${enc(p.name)}/agent`)));
      const proposed = all.filter((p) => p.state === 'proposed').sort((a, b) => b.proposedAt.localeCompare(a.proposedAt));
      const done = all.filter((p) => p.state !== 'proposed').sort((a, b) => (b.decidedAt || '').localeCompare(a.decidedAt || ''));
      const awaiting = agents.flatMap((a) => a.runs.filter((r) => r.state === 'awaiting-approval').map((run) => ({ product: a.product, run })));
      $('#inbox-count').textContent = String(proposed.length);
      update($('#inbox'), proposed.length
        ? html`<ul class="proposals">${proposed.map(proposal)}</ul>`
        : empty('Inbox zero: no runbook proposals waiting for a decision.'));
      update($('#waiting'), waiting(awaiting));
      update($('#decided'), decided(done));
    },
  };
}

