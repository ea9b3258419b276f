// The store picker: the stores of the offline registry that match the search and are open
// today, and when the list was last brought up to date.
import { refreshProducts, refreshStores, searchStores, storesRefreshedAt } from './registry.js';
import { localToday } from './rules.js';

const $ = (selector) => document.querySelector(selector);

export function storeView({ t, when, status, vocab }) {
  function storeItem(store) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'store';
    button.dataset.code = store.code;
    const name = document.createElement('strong');
    name.textContent = store.name;
    const meta = document.createElement('span');
    meta.textContent = `${store.code} · ${store.unit_name}`;
    button.append(name, meta);
    const item = document.createElement('li');
    item.append(button);
    return item;
  }

  async function render() {
    const { matches, total, known } = await searchStores($('#store-search').value, localToday(vocab().utc_offset_minutes));
    $('#store-list').replaceChildren(...matches.map(storeItem));
    $('#store-count').textContent = known ? `${total} / ${known} ${t('stores')}` : t('no_stores_yet');
    $('#stores-refreshed').textContent = `${t('list_updated')}: ${when(await storesRefreshedAt())}`;
  }

  async function refresh() {
    refreshProducts().catch(() => {}); // the copy on the phone stays until the next one arrives
    try {
      await refreshStores();
    } catch (error) {
      if (error.status === 401) status(t('log_in_again'), 'error');
    }
    await render();
  }

  return { render, refresh };
}
