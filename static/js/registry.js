// The store registry kept on the phone, so that a store can be found with no signal.
import { done, getAll, getMeta, setMeta, transaction } from './idb.js';
import { storeOpenOn } from './rules.js';

// Vietnamese without diacritics, lower case: "Phố Hiến" is found by "pho hien".
export function fold(text) {
  return (text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D')
    .toLowerCase();
}

// `ask` is the request: the page's start (boot.js) asks for the list before the modules load.
export async function refreshStores(ask = () => fetch('/api/v1/stores', { credentials: 'same-origin', cache: 'no-store' })) {
  const response = await ask();
  if (!response.ok) throw Object.assign(new Error(`stores ${response.status}`), { status: response.status });
  const { stores } = await response.json();
  const refreshedAt = new Date().toISOString();
  await transaction(['stores', 'meta'], 'readwrite', async (s) => {
    await done(s.stores.clear());
    for (const store of stores) s.stores.put(store);
    await done(s.meta.put({ key: 'storesRefreshedAt', value: refreshedAt }));
  });
  return stores.length;
}

export const storesRefreshedAt = () => getMeta('storesRefreshedAt');

// The certified products (GET /api/v1/products), kept whole so that a scan in a store is judged offline.
export async function refreshProducts() {
  const response = await fetch('/api/v1/products', { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw new Error(`products ${response.status}`);
  const { products } = await response.json();
  await setMeta('products', { products, refreshedAt: new Date().toISOString() });
}

const collator = new Intl.Collator('vi');

// `today` is the province's local date (rules.localToday): a store closed today still shows. `kept`
// is the phone's list when the caller has it already (the first screen's one read).
export async function searchStores(query, today, { limit = 50, kept = null } = {}) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const stores = (kept ?? await getAll('stores')).filter((store) => storeOpenOn(store, today));
  const matches = stores.filter((store) => {
    const haystack = fold(`${store.name} ${store.code} ${store.unit_name} ${store.unit_code} ${store.address}`);
    return words.every((word) => haystack.includes(word));
  });
  matches.sort((a, b) => collator.compare(a.name, b.name));
  return { matches: matches.slice(0, limit), total: matches.length, known: stores.length };
}

export const findStore = async (code) => (await getAll('stores')).find((s) => s.code === code);
