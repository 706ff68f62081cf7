// #/products — every catalog product with its owner, dependencies, open incidents and maintenance tail.

import { get } from '../api.js';
import { empty, html, money, num, pill, productLink, update } from '../dom.js';

export function mount(root, _params, ctx) {
  ctx.setTitle('Products');
  root.innerHTML = String(html`
    <div class="page-head">
      <h1>Products</h1>
      <p class="page-sub">The catalog (silo-config/catalog plus API changes) with what each product costs in attention. Open one for its symptoms, runs and deploys.</p>
    </div>
    <section class="panel" aria-labelledby="h-products"><h2 id="h-products" class="visually-hidden">Catalog products</h2><div id="products"></div></section>`);
  const list = root.querySelector('#products');

  return {
    async refresh() {
      const [products, portfolio, incidents] = await Promise.all([
        get('/api/v1/products'),
        get('/api/v1/portfolio'),
        get('/api/v1/incidents?limit=500'),
      ]);
      const tail = new Map(portfolio.products.map((p) => [p.product, p]));
      const active = incidents.filter((i) => i.state !== 'resolved');
      if (!products.length) {
        update(list, empty('The catalog has no products. Add YAML under silo-config/catalog or PUT /api/v1/products/{name}.'));
        return;
      }
      update(list, html`<div class="table-wrap"><table>
        <caption class="visually-hidden">Products, by name</caption>
        <thead><tr>
          <th scope="col">Product</th><th scope="col">Owner</th><th scope="col">Kind</th><th scope="col" class="num">Tier</th>
          <th scope="col">Lifecycle</th><th scope="col">Depends on</th><th scope="col" class="num">Value / yr</th>
          <th scope="col" class="num">Active incidents</th><th scope="col" class="num">Tail (h)</th><th scope="col">Portfolio</th>
        </tr></thead>
        <tbody>${products.map((p) => {
          const t = tail.get(p.name);
          const mine = active.filter((i) => i.products.includes(p.name));
          return html`<tr>
            <td><div class="strong">${productLink(p.name)}</div>${p.description ? html`<div class="muted small">${p.description}</div>` : ''}</td>
            <td>${p.owner}</td>
            <td>${p.kind}</td>
            <td class="num">${p.tier}</td>
            <td>${pill(p.lifecycle)}</td>
            <td>${p.dependsOn.length ? p.dependsOn.map((d, n) => html`${n ? ', ' : ''}${productLink(d)}`) : html`<span class="muted">—</span>`}</td>
            <td class="num">${money(p.value)}</td>
            <td class="num">${mine.length ? html`<a class="count-bad" href="#/products/${encodeURIComponent(p.name)}">${mine.length}</a>` : '0'}</td>
            <td class="num">${t ? num(t.tailCost, 1) : ''}</td>
            <td>${t ? pill(t.recommendation) : ''}</td>
          </tr>`;
        })}</tbody></table></div>`);
    },
  };
}
