// #/incidents/<id> — one incident: what is hurting, who was paged and how delivery went, the timeline, and the
// human actions: acknowledge, add a note, resolve with the structured fix the rule of three learns from.

import { enc, find } from '../api.js';
import { ago, dateTime, empty, hint, html, labels, pill, productLink, radius, sev, shortTime, update } from '../dom.js';

const reasons = {
  'no-runbook': 'no runbook matched the symptom',
  'remediation-failed': "the runbook's remediation failed",
  'not-verified': 'the remediation did not verify (the symptom kept firing)',
  'guard-rail': 'a guard rail stopped the runbook (too many runs or cooldown)',
  'awaiting-approval': 'the owner rejected the proposed run',
};

const radii = {
  product: 'Contained to one product: its builder is paged.',
  'cross-product': 'Several products hurting through a common dependency: the escalation tier is paged.',
  platform: 'A shared platform component: the escalation tier is paged.',
};

const fixKinds = {
  http: { target: 'URL called', placeholder: 'https://service.internal/restart?instance=…', help: 'Parameters: method (default POST) and body become the promoted step.', required: true },
  command: { target: 'Command (allow-listed name)', placeholder: 'restart-worker', help: 'Parameter values, in key order, become the arguments.', required: true },
  rollback: { target: 'Product rolled back (optional)', placeholder: 'the incident\'s product', help: "The product's rollback hook undid its last change.", required: false },
  manual: { target: 'Target (optional)', placeholder: 'what you touched', help: 'Counted for the rule of three, never automated.', required: false },
};

/** key=value lines → an object; a line without "=" is an error naming the line. */
export function parseParameters(text) {
  const result = {};
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const [n, line] of lines.entries()) {
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`Parameters line ${n + 1} ("${line}") is not key=value.`);
    result[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return result;
}

function head(v) {
  const s = v.summary;
  return html`
    <div class="incident-head incident-${s.severity}">
      <div class="incident-badges">${sev(s.severity)} ${pill(s.state)} ${radius(s.blastRadius)}</div>
      <h1 id="incident-title">${s.title}</h1>
      <dl class="facts">
        <div><dt>Incident</dt><dd class="mono">${s.incidentId}</dd></div>
        <div><dt>Root product</dt><dd>${productLink(s.rootProduct)}</dd></div>
        <div><dt>Products</dt><dd>${s.products.map((p, n) => html`${n ? ', ' : ''}${productLink(p)}`)}</dd></div>
        <div><dt>Opened</dt><dd>${ago(s.openedAt)} <span class="muted">${shortTime(s.openedAt)}</span></dd></div>
        ${s.acknowledgedAt ? html`<div><dt>Acknowledged</dt><dd>${ago(s.acknowledgedAt)} by ${v.acknowledgedBy || '—'}</dd></div>` : ''}
        ${s.resolvedAt ? html`<div><dt>Resolved</dt><dd>${ago(s.resolvedAt)} by ${v.resolvedBy || '—'}</dd></div>` : ''}
        ${v.ackDeadline && s.state === 'open'
          ? html`<div class="fact-alert"><dt>Escalates</dt><dd>${ago(v.ackDeadline)} <span class="muted">at ${shortTime(v.ackDeadline)} unless acknowledged</span></dd></div>`
          : ''}
      </dl>
    </div>`;
}

function timeline(v) {
  if (!v.timeline.length) return empty('Nothing recorded yet.');
  return html`<ol class="timeline">${v.timeline.map((e) => html`
    <li class="tl tl-${e.kind}">
      <span class="tl-dot" aria-hidden="true"></span>
      <div class="tl-body">
        <div class="tl-meta"><span class="tl-kind">${e.kind.replaceAll('-', ' ')}</span>
          <time datetime="${e.at}" title="${dateTime(e.at)}">${shortTime(e.at)}</time>
          ${e.actor ? html`<span class="tl-actor">by ${e.actor}</span>` : ''}</div>
        <p class="tl-text">${e.text}</p>
      </div>
    </li>`)}</ol>`;
}

function symptoms(v) {
  if (!v.symptoms.length) return empty('No symptoms attached.');
  return html`<div class="table-wrap"><table>
    <caption class="visually-hidden">Symptoms of this incident</caption>
    <thead><tr><th scope="col">Product</th><th scope="col">Summary</th><th scope="col">Severity</th><th scope="col">Layer</th><th scope="col">Labels</th><th scope="col">Started</th><th scope="col">Source</th></tr></thead>
    <tbody>${v.symptoms.map((o) => html`<tr>
      <td>${productLink(o.product)}</td>
      <td><div>${o.summary}</div><div class="mono muted small">${o.occurrenceId}</div></td>
      <td>${hint(o.severity)}</td>
      <td>${o.layer}</td>
      <td>${labels(o.labels)}</td>
      <td>${ago(o.startsAt)}</td>
      <td class="small">${o.source || ''}</td>
    </tr>`)}</tbody></table></div>`;
}

function pages(v) {
  if (!v.pages.length) return empty('Nobody was paged.');
  return html`<div class="table-wrap"><table>
    <caption class="visually-hidden">Who was paged or informed, and how delivery went</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Recipient</th><th scope="col">Why</th><th scope="col">Deliveries</th></tr></thead>
    <tbody>${v.pages.map((p) => html`<tr>
      <td><time datetime="${p.at}" title="${dateTime(p.at)}">${shortTime(p.at)}</time></td>
      <td><a href="#/builders">${p.recipient}</a> <span class="muted small">${p.recipientKind}</span></td>
      <td>${pill(p.reason)}</td>
      <td><ul class="deliveries">${p.deliveries.length ? p.deliveries.map((d) => html`<li class="${d.delivered ? 'ok' : 'bad'}">
        <span class="delivery-mark" aria-hidden="true">${d.delivered ? '✓' : '✗'}</span>
        <span class="visually-hidden">${d.delivered ? 'delivered' : 'not delivered'}:</span>
        <span>${d.channel}</span> <span class="muted small">${d.kind}</span>
        ${d.statusCode ? html`<span class="mono small">${d.statusCode}</span>` : ''}
        <span class="muted small">${d.attempts} attempt${d.attempts === 1 ? '' : 's'}</span>
        ${d.error ? html`<div class="small bad-text">${d.error}</div>` : ''}
      </li>`) : html`<li class="muted">no channels</li>`}</ul></td>
    </tr>`)}</tbody></table></div>`;
}

function details(v) {
  const fix = v.fix;
  return html`<dl class="kv">
    <dt>Why people</dt><dd>${reasons[v.reason] || v.reason}</dd>
    <dt>Blast radius</dt><dd>${radii[v.summary.blastRadius] || v.summary.blastRadius}</dd>
    <dt>Escalation step</dt><dd>${v.escalationStep === 0 ? 'first recipient' : `step ${v.escalationStep}`}</dd>
    ${v.runId ? html`<dt>Run</dt><dd><a class="mono" href="#/products/${enc(v.summary.rootProduct)}">${v.runId}</a></dd>` : ''}
  </dl>
  ${fix ? html`<h3 class="sub">Fix</h3><dl class="kv">
    <dt>Kind</dt><dd>${fix.kind}</dd>
    ${fix.target ? html`<dt>Target</dt><dd class="mono break">${fix.target}</dd>` : ''}
    ${Object.keys(fix.parameters || {}).length ? html`<dt>Parameters</dt><dd>${labels(fix.parameters, [])}</dd>` : ''}
    ${fix.text ? html`<dt>What was done</dt><dd>${fix.text}</dd>` : ''}
  </dl>` : ''}`;
}

export function mount(root, params, ctx) {
  const id = params.id;
  ctx.setTitle(id);
  root.innerHTML = String(html`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/incidents">Incidents</a> <span aria-hidden="true">/</span> <span class="mono">${id}</span></nav>
    <div id="incident-head"><h1>${id}</h1></div>
    <div class="layout-2" id="incident-body">
      <div class="col-main">
        <section class="panel" aria-labelledby="h-timeline"><h2 id="h-timeline">Timeline</h2><div id="incident-timeline"></div></section>
        <section class="panel" aria-labelledby="h-symptoms"><h2 id="h-symptoms">Symptoms</h2><div id="incident-symptoms"></div></section>
        <section class="panel" aria-labelledby="h-pages"><h2 id="h-pages">Pages</h2><div id="incident-pages"></div></section>
      </div>
      <aside class="col-side" aria-label="Actions and details">
        <section class="panel actions" aria-labelledby="h-act">
          <h2 id="h-act">Act</h2>
          <p id="act-state" class="act-state" tabindex="-1"></p>
          <div class="button-row" id="acknowledge-row">
            <button type="button" class="btn btn-primary" id="acknowledge">Acknowledge</button>
          </div>
          <form id="note-form" class="stack">
            <label for="note-text">Note</label>
            <textarea id="note-text" rows="2" required placeholder="What you found or tried"></textarea>
            <div class="button-row"><button type="submit" class="btn" id="add-note">Add note</button></div>
          </form>
          <form id="resolve-form" class="stack">
            <fieldset>
              <legend>Resolve with a fix</legend>
              <p class="help">Say what fixed it in a form the ops agent can learn from: equivalent fixes for the same kind of symptom become a runbook proposal (the rule of three).</p>
              <label for="fix-kind">Kind</label>
              <select id="fix-kind" aria-describedby="fix-kind-help">
                <option value="http">http — an HTTP call</option>
                <option value="command">command — an allow-listed command</option>
                <option value="rollback">rollback — the product's rollback hook</option>
                <option value="manual">manual — anything else</option>
              </select>
              <p class="help" id="fix-kind-help"></p>
              <label for="fix-target" id="fix-target-label">Target</label>
              <input id="fix-target" type="text" spellcheck="false" autocomplete="off">
              <label for="fix-parameters">Parameters <span class="muted">(key=value, one per line)</span></label>
              <textarea id="fix-parameters" rows="2" spellcheck="false" placeholder="method=POST"></textarea>
              <label for="fix-text">What you did</label>
              <textarea id="fix-text" rows="2" placeholder="Restarted the stuck worker"></textarea>
              <div class="button-row"><button type="submit" class="btn btn-resolve" id="resolve">Resolve</button></div>
            </fieldset>
          </form>
        </section>
        <section class="panel" aria-labelledby="h-details"><h2 id="h-details">Details</h2><div id="incident-details"></div></section>
      </aside>
    </div>`);

  const $ = (sel) => root.querySelector(sel);
  const kind = $('#fix-kind');
  const target = $('#fix-target');
  const showKind = () => {
    const k = fixKinds[kind.value];
    $('#fix-target-label').textContent = k.target;
    target.placeholder = k.placeholder;
    target.required = k.required;
    $('#fix-kind-help').textContent = k.help;
  };
  kind.addEventListener('change', showKind);
  showKind();

  $('#acknowledge').addEventListener('click', async (e) => {
    // The button is disabled once acknowledged: keep the keyboard where the outcome is written.
    if (await ctx.perform(e.currentTarget, `Acknowledge ${id}`, `/api/v1/incidents/${enc(id)}/acknowledge`)) $('#act-state').focus();
  });

  $('#note-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('#note-text').value.trim();
    if (!text) return;
    if (await ctx.perform($('#add-note'), 'Add note', `/api/v1/incidents/${enc(id)}/notes`, { text })) $('#note-text').value = '';
  });

  $('#resolve-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    let parameters;
    try {
      parameters = parseParameters($('#fix-parameters').value);
    } catch (error) {
      ctx.toast(error.message, 'error');
      $('#fix-parameters').focus();
      return;
    }
    const fix = { kind: kind.value, target: target.value.trim(), parameters, text: $('#fix-text').value.trim() || undefined };
    if (await ctx.perform($('#resolve'), `Resolve ${id}`, `/api/v1/incidents/${enc(id)}/resolve`, { fix })) {
      for (const field of ['#fix-target', '#fix-parameters', '#fix-text']) $(field).value = '';
      $('#act-state').focus();
    }
  });

  let missing = false;
  return {
    async refresh() {
      const v = await find(`/api/v1/incidents/${enc(id)}`);
      if (!v) {
        if (!missing) {
          missing = true;
          update($('#incident-head'), html`<h1>${id}</h1><p class="panel">No incident ${id}. It may not exist yet: incidents are opened within a second or two of the signal.</p>`);
          $('#incident-body').hidden = true;
        }
        return;
      }
      if (missing) {
        missing = false;
        $('#incident-body').hidden = false;
      }
      const s = v.summary;
      ctx.setTitle(`${s.severity.toUpperCase()} ${s.title}`);
      update($('#incident-head'), head(v));
      update($('#incident-timeline'), timeline(v));
      update($('#incident-symptoms'), symptoms(v));
      update($('#incident-pages'), pages(v));
      update($('#incident-details'), details(v));
      const resolved = s.state === 'resolved';
      $('#acknowledge').disabled = s.state !== 'open';
      $('#add-note').disabled = false;
      $('#resolve').disabled = resolved;
      for (const el of root.querySelectorAll('#resolve-form fieldset')) el.disabled = resolved;
      $('#act-state').textContent = resolved
        ? `Resolved by ${v.resolvedBy}. Notes can still be added.`
        : s.state === 'acknowledged'
          ? `Acknowledged by ${v.acknowledgedBy}: escalation stopped. Resolve it once fixed.`
          : 'Acknowledge to stop the escalation clock.';
      $('#resolve-form').hidden = resolved;
      $('#acknowledge-row').hidden = resolved;
    },
  };
}

