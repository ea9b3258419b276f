"""The phone's sent log in real Chromium: each sent survey is kept whole for 30 days, so one the
server acknowledged and then lost (a crash undoing its last commit) is sent again, and stored once."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select

from models import StoreYearStatus, Survey, db
from tests.browser.conftest import (
    fill_survey,
    new_phone,
    open_app,
    ready,
    save,
    screenshot,
    survey_rows,
    wait_for_rows,
    wait_until,
)

SENT_ENTRY = "(id) => import('/static/js/idb.js').then((idb) => idb.get('sent', id))"
SENT_IDS = "() => import('/static/js/idb.js').then((idb) => idb.getAll('sent')).then((all) => all.map((e) => e.id))"
DAY_MS = 86_400_000


def only_survey_id(app) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Survey.id)))


def lose(app, survey_id: str) -> None:
    """What a power cut after the answer does to a commit not yet on disk: every row of it goes."""
    with app.app_context():
        key = uuid.UUID(survey_id)
        db.session.execute(delete(StoreYearStatus).where(StoreYearStatus.survey_id == key))
        db.session.delete(db.session.get(Survey, key))
        db.session.commit()


def flush(page) -> None:
    page.click("#outbox-pill")
    page.click("#flush-button")
    page.wait_for_function("() => document.querySelector('#outbox-count').textContent === '0'")


def test_a_survey_the_server_lost_is_sent_again_from_the_phone_once(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    fill_survey(page, "S-001", 4, pe_bags=1)
    save(page)
    assert wait_for_rows(app, 1, page=page) == 1
    survey_id = only_survey_id(app)
    wait_until(page, f"() => ({SENT_ENTRY})('{survey_id}').then((e) => e?.status === 'created')")
    kept = page.evaluate(SENT_ENTRY, survey_id)
    assert kept["payload"]["id"] == survey_id and kept["payload"]["store_code"] == "S-001"
    assert {"zone": "checkout", "category": "PAPER", "count": 4} in kept["payload"]["packaging"]

    lose(app, survey_id)
    assert survey_rows(app) == 0
    page.reload()  # the sent list is refreshed at each start
    ready(page)
    page.wait_for_selector("body.has-missing")
    context.set_offline(True)
    page.reload()  # the mark is kept on the phone: the list shows it with no network too
    ready(page)
    page.click("#mine-tab")
    resend = page.locator(f"#mine-list button[data-resend='{survey_id}']")
    resend.wait_for()
    item = page.text_content(f"#mine-list li[data-id='{survey_id}']")
    assert "Máy chủ không có phiếu này" in item and "Gửi lại" in item
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "sent-survey-lost-by-server")
    context.set_offline(False)

    # A double tap sends it once. (A locator: going online may draw the list again meanwhile.)
    resend.dblclick()
    assert wait_for_rows(app, 1, page=page) == 1
    wait_until(page, f"() => ({SENT_ENTRY})('{survey_id}').then((e) => e?.status === 'created' && !e.missing)")
    page.wait_for_selector("body:not(.has-missing)")
    assert page.locator("#mine-list button[data-resend]").count() == 0
    with app.app_context():
        stored = db.session.get(Survey, uuid.UUID(survey_id))
        assert {(line.category_code, line.count) for line in stored.packaging} == {("PAPER", 4), ("PE_BAG", 1)}

    # Sent again on purpose, then another sync: the server answers duplicate, still one row.
    assert page.evaluate(f"import('/static/js/outbox.js').then((m) => m.resend('{survey_id}'))") is True
    flush(page)
    wait_until(page, f"() => ({SENT_ENTRY})('{survey_id}').then((e) => e?.status === 'duplicate')")
    flush(page)
    page.wait_for_timeout(500)
    assert survey_rows(app) == 1
    context.close()


def test_sent_entries_are_pruned_after_30_days_at_start_and_after_a_sync(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    for paper in (1, 2, 3):
        fill_survey(page, "S-001", paper)
        save(page)
    assert wait_for_rows(app, 3, page=page) == 3
    wait_until(page, f"() => ({SENT_IDS})().then((ids) => ids.length === 3)")
    young, old, later = page.evaluate(SENT_IDS)
    ages = {young: 29, old: 31, later: 0}
    page.evaluate(
        """async ([ages, dayMs]) => {
          const idb = await import('/static/js/idb.js');
          for (const [id, days] of Object.entries(ages)) {
            const entry = await idb.get('sent', id);
            await idb.put('sent', {...entry, sentAt: new Date(Date.now() - days * dayMs).toISOString()});
          }
        }""",
        [ages, DAY_MS],
    )
    page.reload()  # pruned at start
    ready(page)
    wait_until(page, f"() => ({SENT_IDS})().then((ids) => ids.length === 2)")
    assert sorted(page.evaluate(SENT_IDS)) == sorted([young, later])

    # The 29-day-old one turns 31 while the app is open: the next sync prunes it.
    page.evaluate(
        """async ([id, dayMs]) => {
          const idb = await import('/static/js/idb.js');
          const entry = await idb.get('sent', id);
          await idb.put('sent', {...entry, sentAt: new Date(Date.now() - 31 * dayMs).toISOString()});
        }""",
        [young, DAY_MS],
    )
    page.click("#outbox-pill")
    page.click("#flush-button")
    wait_until(page, f"() => ({SENT_IDS})().then((ids) => ids.length === 1)")
    assert page.evaluate(SENT_IDS) == [later]
    assert survey_rows(app) == 3  # pruning the phone's log touches nothing on the server
    context.close()


# The database as the previous version of the app left it (version 2), with a sent entry that
# holds no payload, an old one, a queued survey and a draft.
OLD_DATABASE = """async ([owner, queuedId, dayMs]) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('baobi', 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('stores', { keyPath: 'code' });
      db.createObjectStore('meta', { keyPath: 'key' });
      for (const name of ['drafts', 'outbox', 'sent']) {
        db.createObjectStore(name, { keyPath: 'id' }).createIndex('owner', 'owner');
      }
      const photos = db.createObjectStore('photos', { keyPath: 'id' });
      photos.createIndex('owner', 'owner');
      photos.createIndex('survey', 'surveyId');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = db.transaction(['sent', 'outbox', 'drafts'], 'readwrite');
  const ago = (days) => new Date(Date.now() - days * dayMs).toISOString();
  const sent = { owner, store_code: 'S-002', store_name: 'Cửa hàng S-002', status: 'created' };
  tx.objectStore('sent').put({ ...sent, id: 'a1b2c3d4-0000-4000-8000-000000000001', sentAt: ago(2) });
  tx.objectStore('sent').put({ ...sent, id: 'a1b2c3d4-0000-4000-8000-000000000002', sentAt: ago(40) });
  tx.objectStore('outbox').put({
    id: queuedId, owner, storeName: 'Cửa hàng S-001', state: 'queued', reason: null, savedAt: ago(0),
    payload: { id: queuedId, store_code: 'S-001', visited_at: '2025-06-14T09:30:00+07:00', form_version: 1,
               packaging: [{ zone: 'checkout', category: 'PAPER', count: 5 }], eco_labels: [],
               skus_checked: null, notes: '' },
  });
  tx.objectStore('drafts').put({ id: 'draft-1', owner, storeName: 'Cửa hàng S-003', updatedAt: ago(0) });
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""


def test_the_upgrade_keeps_what_the_phone_held_and_old_entries_offer_no_resend(browser, live_server, app):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server + "/login")
    queued = str(uuid.uuid4())
    page.evaluate(OLD_DATABASE, ["inspector", queued, DAY_MS])
    open_app(page, live_server)  # opens the database at version 3
    assert wait_for_rows(app, 1, page=page) == 1  # the queued survey survived and went
    wait_until(page, f"() => ({SENT_ENTRY})('{queued}').then((e) => e?.payload?.id === '{queued}')")
    old_entry = page.evaluate(SENT_ENTRY, "a1b2c3d4-0000-4000-8000-000000000001")
    assert old_entry["store_code"] == "S-002" and "payload" not in old_entry and not old_entry.get("missing")
    assert page.evaluate(SENT_ENTRY, "a1b2c3d4-0000-4000-8000-000000000002") is None  # 40 days: pruned
    assert page.locator("#draft-list button[data-draft='draft-1']").count() == 1
    page.click("#mine-tab")
    assert page.locator("#mine-list button[data-resend]").count() == 0  # the server lacks it, but nothing to send
    version = page.evaluate(
        "new Promise((r) => { const q = indexedDB.open('baobi'); q.onsuccess = () => r(q.result.version); })"
    )
    assert version == 3
    context.close()
