// #/products/<name> — one product: its catalog entry, who depends on it, live symptoms, the ops agent's runbooks
// and runs (approve / reject a run waiting for the owner), the rule-of-three ledger, incidents, deploys and changes.

import { enc, find, get } from '../api.js';
import { ago, dateTime, empty, hint, html, incidentLink, labels, match, money, num, pill, productLink, radius, sev, shortTime, step, timeSpan, update } from '../dom.js';

const runsShown = 20;

function spec(d) {
  const s = d.spec;
  return html`<dl class="kv">
    <dt>Owner</dt><dd><a href="#/builders">${s.owner}</a></dd>
    <dt>Kind</dt><dd>${s.kind}${s.system ? html` <span class="muted">in system ${s.system}</span>` : ''}</dd>
    <dt>Tier</dt><dd>${s.tier} <span class="muted">(1 = most critical)</span></dd>
    <dt>Lifecycle</dt><dd>${pill(s.lifecycle)}</dd>
    <dt>Value</dt><dd>${money(s.value)} per year</dd>
    <dt>Depends on</dt><dd>${s.dependsOn.length ? s.dependsOn.map((p, n) => html`${n ? ', ' : ''}${productLink(p)}`) : html`<span class="muted">nothing</span>`}</dd>
    <dt>Dependents</dt><dd>${d.dependents.length ? d.dependents.map((p, n) => html`${n ? ', ' : ''}${productLink(p)}`) : html`<span class="muted">none</span>`}</dd>
    ${s.outcome ? html`<dt>Outcome</dt><dd>${s.outcome.metric} in [${s.outcome.min ?? '−∞'}, ${s.outcome.max ?? '∞'}]${d.live.outcomeValue !== undefined ? html` — now <strong>${num(d.live.outcomeValue)}</strong>` : ''}</dd>` : ''}
    ${s.escalationTier ? html`<dt>Escalation tier</dt><dd>${s.escalationTier}</dd>` : ''}
    ${s.aliases.length ? html`<dt>Aliases</dt><dd>${s.aliases.join(', ')}</dd>` : ''}
    ${s.routingKeys.length ? html`<dt>Routing keys</dt><dd class="mono small break">${s.routingKeys.join(', ')}</dd>` : ''}
    ${s.rollback ? html`<dt>Rollback hook</dt><dd class="mono small break">${s.rollback.method} ${s.rollback.url}</dd>` : ''}
    ${s.declaredAt ? html`<dt>Declared</dt><dd class="mono small break">${s.declaredAt.file}${s.declaredAt.line ? `:${s.declaredAt.line}` : ''}</dd>` : ''}
  </dl>`;
}

function stats(d) {
  const a = d.agent;
  const firing = d.live.symptoms.filter((s) => s.status === 'firing').length;
  return html`
    <div class="tile${firing ? ' tile-hot' : ''}"><span class="tile-n">${firing}</span><span class="tile-l">symptoms firing</span></div>
    <div class="tile"><span class="tile-n">${d.live.signalsReceived}</span><span class="tile-l">signals received</span></div>
    <div class="tile"><span class="tile-n">${d.live.occurrencesOpened}</span><span class="tile-l">occurrences</span></div>
    <div class="tile"><span class="tile-n">${a.runsSucceeded}</span><span class="tile-l">runs succeeded</span></div>
    <div class="tile"><span class="tile-n">${a.runsFailed}</span><span class="tile-l">runs failed</span></div>
    <div class="tile"><span class="tile-n">${a.escalations}</span><span class="tile-l">escalated to people</span></div>`;
}

function symptoms(d) {
  const list = [...d.live.symptoms].sort((a, b) => (a.status === b.status ? b.lastSeen.localeCompare(a.lastSeen) : a.status === 'firing' ? -1 : 1));
  if (!list.length) return empty('No symptoms seen.');
  return html`<div class="table-wrap"><table>
    <caption class="visually-hidden">Symptoms, firing first</caption>
    <thead><tr><th scope="col">Status</th><th scope="col">Summary</th><th scope="col">Severity</th><th scope="col">Labels</th>
      <th scope="col" class="num">Seen</th><th scope="col">Last seen</th></tr></thead>
    <tbody>${list.map((s) => html`<tr>
      <td>${pill(s.status)}${s.acknowledged ? html`<div class="muted small">acked at source</div>` : ''}</td>
      <td><div>${s.summary}</div><div class="mono muted small">${s.layer} · ${s.fingerprint}${s.source ? ` · ${s.source}` : ''}</div></td>
      <td>${hint(s.severity)}</td>
      <td>${labels(s.labels)}</td>
      <td class="num nowrap"><span title="occurrences (firing spells)">${s.occurrences}×</span><div class="muted small">${s.signalCount} signal${s.signalCount === 1 ? '' : 's'}</div></td>
      <td class="nowrap">${ago(s.lastSeen)}<div class="muted small">first ${ago(s.firstSeen)}</div></td>
    </tr>`)}</tbody></table></div>`;
}

function outcomes(steps, phase) {
  if (!steps.length) return '';
  return html`<ul class="outcomes">${steps.map((o) => html`<li class="${o.succeeded ? 'ok' : 'bad'}">
    <span aria-hidden="true">${o.succeeded ? '✓' : '✗'}</span><span class="visually-hidden">${o.succeeded ? 'succeeded' : 'failed'}:</span>
    <span class="muted small">${phase}</span> ${o.step}${o.statusCode ? html` <span class="mono small">${o.statusCode}</span>` : ''}
    ${o.error ? html`<span class="small bad-text"> ${o.error}</span>` : ''}</li>`)}</ul>`;
}

function runs(d) {
  const list = d.agent.runs;
  if (!list.length) return empty('No runbook has run for this product yet.');
  const name = d.spec.name;
  return html`<div class="table-wrap"><table>
    <caption class="visually-hidden">Runbook runs, newest first</caption>
    <thead><tr><th scope="col">Run</th><th scope="col">Runbook</th><th scope="col">State</th><th scope="col">Started</th>
      <th scope="col">Steps</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${list.slice(0, runsShown).map((r) => html`<tr>
      <td><span class="mono">${r.runId}</span>${r.incidentId ? html`<div>${incidentLink(r.incidentId)}</div>` : ''}</td>
      <td>${r.runbook} <span class="muted">v${r.runbookVersion}</span><div class="mono muted small">${r.occurrenceId}</div></td>
      <td>${pill(r.state)}${r.state === 'verifying' && r.verifyBy ? html`<div class="muted small">until ${shortTime(r.verifyBy)}</div>` : ''}${r.approvedBy ? html`<div class="muted small">approved by ${r.approvedBy}</div>` : ''}</td>
      <td>${ago(r.startedAt)}</td>
      <td>${r.diagnostics.length || r.remediation.length ? html`${outcomes(r.diagnostics, 'diagnose')}${outcomes(r.remediation, 'remediate')}` : html`<span class="muted">not started</span>`}</td>
      <td class="actions-cell">${r.state === 'awaiting-approval' ? html`
        <button type="button" class="btn btn-primary btn-small" data-action="approve-run" data-run="${r.runId}" data-key="approve-${r.runId}" aria-label="Approve run ${r.runId}">Approve</button>
        <button type="button" class="btn btn-danger btn-small" data-action="reject-run" data-run="${r.runId}" data-key="reject-${r.runId}" aria-label="Reject run ${r.runId}">Reject</button>` : ''}</td>
    </tr>`)}</tbody></table></div>
    ${list.length > runsShown ? html`<p class="more">${list.length - runsShown} older runs not shown (GET /api/v1/products/${name}/agent has them all).</p>` : ''}`;
}

function runbooks(d) {
  const list = d.agent.runbooks;
  if (!list.length) return empty('No runbooks: every novel symptom goes to people.');
  return html`<ul class="runbooks">${list.map((r) => html`<li>
    <div><strong>${r.name}</strong> <span class="muted">v${r.version}</span> ${pill(r.mode)}</div>
    <div class="small">when ${match(r.match)}</div>
    <div class="small">do ${r.remediation.map((s, n) => html`${n ? html`<span class="muted"> then </span>` : ''}${step(s)}`)}</div>
    <div class="muted small">verify within ${timeSpan(r.verification.window)} · at most ${r.guardrails.maxRunsPerHour} runs/hour · cooldown ${timeSpan(r.guardrails.cooldown)}</div>
  </li>`)}</ul>`;
}

function ledger(d) {
  const list = d.agent.fixLedger;
  if (!list.length) return empty('No human fixes recorded yet.');
  return html`<ul class="ledger">${list.map((l) => html`<li>
    <div class="small">${l.fix.kind} <span class="mono break">${l.fix.target}</span></div>
    <div class="muted small break">class ${l.symptomClass}</div>
    <div class="small">${l.incidents.length} incident${l.incidents.length === 1 ? '' : 's'}: ${l.incidents.map((i, n) => html`${n ? ', ' : ''}${incidentLink(i)}`)}
      ${l.promotionId ? html` → <a href="#/promotions" class="mono">${l.promotionId}</a>` : ''}</div>
  </li>`)}</ul>`;
}

function incidents(list) {
  if (!list.length) return empty('No incidents touched this product.');
  return html`<div class="table-wrap"><table>
    <caption class="visually-hidden">Incidents touching this product, newest first</caption>
    <thead><tr><th scope="col">Severity</th><th scope="col">Incident</th><th scope="col">State</th><th scope="col">Radius</th><th scope="col">Opened</th></tr></thead>
    <tbody>${list.map((i) => html`<tr>
      <td>${sev(i.severity)}</td>
      <td><a href="#/incidents/${enc(i.incidentId)}">${i.title}</a><div class="mono muted small">${i.incidentId}</div></td>
      <td>${pill(i.state)}</td><td>${radius(i.blastRadius)}</td><td>${ago(i.openedAt)}</td>
    </tr>`)}</tbody></table></div>`;
}

function changes(d) {
  const list = d.live.changes;
  if (!list.length) return empty('No deploys or changes recorded. Send PagerDuty change events to /v2/change/enqueue.');
  return html`<div class="table-wrap"><table>
    <caption class="visually-hidden">Deploys and changes, newest first</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col">Source</th><th scope="col">Details</th></tr></thead>
    <tbody>${list.map((c) => html`<tr>
      <td><time datetime="${c.timestamp}" title="${dateTime(c.timestamp)}">${shortTime(c.timestamp)}</time></td>
      <td>${c.summary}${c.links.length ? html`<div class="small">${c.links.map((l) => html`<a href="${l.href}" rel="noreferrer noopener" target="_blank">${l.text || l.href}</a> `)}</div>` : ''}</td>
      <td>${c.source || ''}</td>
      <td>${labels(c.details, [])}</td>
    </tr>`)}</tbody></table></div>`;
}

export function mount(root, params, ctx) {
  const name = params.name;
  ctx.setTitle(name);
  root.innerHTML = String(html`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/products">Products</a> <span aria-hidden="true">/</span> <span>${name}</span></nav>
    <div id="product-head"><h1>${name}</h1></div>
    <div id="product-body">
      <div class="tiles" id="product-stats"></div>
      <div class="layout-2">
        <div class="col-main">
          <section class="panel" aria-labelledby="h-symptoms"><h2 id="h-symptoms">Live symptoms</h2><div id="product-symptoms"></div></section>
          <section class="panel" aria-labelledby="h-runs"><h2 id="h-runs">Runbook runs</h2><div id="product-runs"></div></section>
          <section class="panel" aria-labelledby="h-incidents"><h2 id="h-incidents">Incidents</h2><div id="product-incidents"></div></section>
          <section class="panel" aria-labelledby="h-changes"><h2 id="h-changes">Deploys and changes</h2><div id="product-changes"></div></section>
        </div>
        <aside class="col-side" aria-label="Catalog entry and ops agent">
          <section class="panel" aria-labelledby="h-spec"><h2 id="h-spec">Catalog entry</h2><div id="product-spec"></div></section>
          <section class="panel" aria-labelledby="h-runbooks"><h2 id="h-runbooks">Runbooks</h2><div id="product-runbooks"></div></section>
          <section class="panel" aria-labelledby="h-ledger"><h2 id="h-ledger">Rule-of-three ledger</h2><div id="product-ledger"></div></section>
        </aside>
      </div>
    </div>`);
  const $ = (sel) => root.querySelector(sel);

  root.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const run = button.dataset.run;
    const verb = button.dataset.action === 'approve-run' ? 'approve' : 'reject';
    ctx.perform(button, `${verb === 'approve' ? 'Approve' : 'Reject'} run ${run}`, `/api/v1/products/${enc(name)}/runs/${enc(run)}/${verb}`);
  });

  return {
    async refresh() {
      const [d, list] = await Promise.all([find(`/api/v1/products/${enc(name)}`), get(`/api/v1/incidents?product=${enc(name)}&limit=50`)]);
      if (!d) {
        update($('#product-head'), html`<h1>${name}</h1><p class="panel">${name} is not in the catalog. See <a href="#/products">all products</a>.</p>`);
        $('#product-body').hidden = true;
        return;
      }
      $('#product-body').hidden = false;
      const s = d.spec;
      update($('#product-head'), html`<div class="product-head"><h1>${s.name}</h1>
        <span class="badges">${pill(s.lifecycle)} <span class="chip chip-strong">${s.kind}</span> <span class="chip">tier ${s.tier}</span> <span class="chip">owner ${s.owner}</span></span>
        ${s.description ? html`<p class="page-sub">${s.description}</p>` : ''}</div>`);
      update($('#product-stats'), stats(d));
      update($('#product-symptoms'), symptoms(d));
      update($('#product-runs'), runs(d));
      update($('#product-incidents'), incidents(list));
      update($('#product-changes'), changes(d));
      update($('#product-spec'), spec(d));
      update($('#product-runbooks'), runbooks(d));
      update($('#product-ledger'), ledger(d));
    },
  };
}
