// "Việc của tôi": the stores the inspector is given in the rounds in progress, with their state and
// the round's last day. The last copy stays in IndexedDB (per inspector), so the list reads offline;
// a store whose survey waits in the outbox shows so at once. Nearest first when the phone knows
// where it is and the store has a place, else by unit and name; stores still to visit come first.
// Ticked stores make the day's plan (day-plan.js).
import { km, planDay } from './day-plan.js';
import { getMeta, setMeta } from './idb.js';
import { loadMine, needsCorrection, refreshMyList } from './mine.js';
import { listOutbox, listSent } from './outbox.js';
import { locate } from './location.js';

const $ = (selector) => document.querySelector(selector);
const RANK = { not_surveyed: 0, returned: 1 }; // then the rest: nothing left to do there
const dayOf = (iso) => iso.split('-').reverse().join('/'); // 2026-11-30 → 30/11/2026

const placed = (item) => Number.isFinite(item.lat) && Number.isFinite(item.lon);

// The order of the list: a pure function of the items, their states and where the inspector is.
const collator = new Intl.Collator('vi');
export function sortItems(items, here) {
  const keyed = items.map((item) => ({ item, away: here && placed(item) ? km(here, item) : Infinity }));
  keyed.sort((a, b) => (RANK[a.item.shown] ?? 2) - (RANK[b.item.shown] ?? 2)
    || (a.away - b.away || 0)
    || collator.compare(a.item.unit_name, b.item.unit_name) || collator.compare(a.item.store_name, b.item.store_name));
  return keyed.map(({ item }) => item);
}

export function myListView({ owner, t, today }) {
  let here = null;
  let shown = [];
  // The stores ticked for today, by code: kept on the phone for the day, so a reload keeps the plan.
  const picked = new Set();
  const planKey = `plan:${owner}`;
  const ticksRead = getMeta(planKey).then((kept) => {
    if (kept?.day === today()) for (const code of kept.codes) picked.add(code);
  }).catch(() => {}); // none kept: nothing ticked

  function storeItem(item) {
    const button = Object.assign(document.createElement('button'), { type: 'button', className: 'store' });
    button.dataset.code = item.store_code;
    button.dataset.state = item.shown;
    const name = Object.assign(document.createElement('strong'), { textContent: item.store_name });
    const state = Object.assign(document.createElement('span'), { className: `todo-${item.shown}` });
    state.textContent = t(`todo_${item.shown}`);
    const meta = document.createElement('span');
    const away = here && placed(item) ? ` · ${t('km_away', Math.round(km(here, item) * 10) / 10)}` : '';
    meta.textContent = `${item.unit_name}${away} · ${item.round_name}: ${t('last_day')} ${dayOf(item.ends_on)}`;
    button.append(name, state, meta);
    const pick = Object.assign(document.createElement('input'), { type: 'checkbox', checked: picked.has(item.store_code) });
    pick.dataset.pick = item.store_code;
    const label = Object.assign(document.createElement('label'), { className: 'plan-pick' });
    label.append(pick, ` ${t('plan_pick')}`);
    const li = document.createElement('li');
    li.append(button, label);
    return li;
  }

  async function render() {
    await ticksRead;
    const kept = (await getMeta(`todo:${owner}`)) || { fetchedAt: null, assignments: [] };
    const waiting = new Set((await listOutbox(owner)).map((record) => record.payload.store_code));
    // Sent since the list was fetched: the server has it, the copy on the phone does not say so yet.
    const sent = new Set((await listSent(owner)).filter((entry) => entry.sentAt > (kept.fetchedAt || ''))
      .map((entry) => entry.payload?.store_code));
    const items = kept.assignments.map((item) => {
      let state = item.state;
      if (waiting.has(item.store_code)) state = 'pending';
      else if (sent.has(item.store_code) && state === 'not_surveyed') state = 'sent';
      return { ...item, shown: state };
    });
    shown = sortItems(items, here);
    $('#todo-list').replaceChildren(...shown.map(storeItem));
    $('#todo-updated').textContent = kept.fetchedAt ? `${t('list_updated')}: ${new Date(kept.fetchedAt).toLocaleString('vi-VN')}`
      : t('todo_never');
    $('#todo-empty').hidden = !kept.fetchedAt || items.length > 0;
  }

  async function refresh() {
    await refreshMyList(owner).catch(() => {}); // offline: the last copy stays on show
    await render();
  }

  // Asked afresh each time the list is opened: the inspector moves between stores.
  async function findHere() {
    const fix = await locate({ enableHighAccuracy: false, timeout: 15000, maximumAge: 0 });
    if (fix) {
      here = fix;
      await render();
    }
  }

  // The ticked stores with a place, in the order of the day; those without one are said apart.
  function plan() {
    const chosen = shown.filter((item) => picked.has(item.store_code));
    const { stops, km: total } = planDay(here, chosen.filter(placed));
    const lines = [...stops, ...chosen.filter((item) => !placed(item))].map((item) => {
      const li = document.createElement('li');
      li.textContent = placed(item) ? item.store_name : `${item.store_name} (${t('no_place')})`;
      return li;
    });
    $('#plan-route').replaceChildren(...lines);
    $('#plan-total').textContent = chosen.length ? t('plan_total', Math.round(total * 10) / 10) : t('plan_none');
  }

  function onPick(event) {
    const code = event.target.dataset.pick;
    if (!code) return;
    if (event.target.checked) picked.add(code);
    else picked.delete(code);
    setMeta(planKey, { day: today(), codes: [...picked] }).catch(() => {});
  }

  // The survey of a store that came back for more information: its tap opens that survey's correction.
  async function returnedSurveyOf(code) {
    const { surveys } = await loadMine(owner);
    return surveys.find((survey) => survey.store_code === code && needsCorrection(survey))?.id;
  }

  return { render, refresh, findHere, plan, onPick, returnedSurveyOf };
}
