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

  // `first` is what the start read already (boot.js): the stores and when they were brought up to date.
  async function render(first = null) {
    const today = localToday(vocab().utc_offset_minutes);
    const { matches, total, known } = await searchStores($('#store-search').value, today, { kept: first?.stores });
    $('#store-list').replaceChildren(...matches.map(storeItem));
    $('#store-count').textContent = `${total} / ${known} ${t('stores')}`;
    // Below the list, where appearing or going moves nothing above it.
    $('#stores-empty').textContent = t('no_stores_yet');
    $('#stores-empty').hidden = known > 0;
    const refreshedAt = first ? first.storesRefreshedAt : await storesRefreshedAt();
    $('#stores-refreshed').textContent = `${t('list_updated')}: ${when(refreshedAt)}`;
  }

  // `ask` makes the request (registry.refreshStores): the first refresh takes the one boot.js made.
  async function refresh(ask) {
    refreshProducts().catch(() => {}); // the copy on the phone stays until the next one arrives
    try {
      await refreshStores(ask);
    } catch (error) {
      if (error.status === 401) status(t('log_in_again'), 'error');
    }
    await render();
  }

  return { render, refresh };
}
