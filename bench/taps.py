"""Count the taps and key presses an inspector needs to fill one full survey on the phone.

Run: .venv/bin/python bench/taps.py            (or `make bench`). Prints figures; asserts nothing.
To compare with an older version of the app, check it out beside this one and name its folder:
    git worktree add /tmp/older <commit> && .venv/bin/python bench/taps.py /tmp/older

A "full survey" fills every count of the instrument (each packaging category of each zone, each
eco-label type, the SKUs checked) in a 360 px Chromium, as a person does: tap the store search,
type the code, tap the store, enter each count, tap Save. A count is entered with the + button when
that is no more taps than typing it, otherwise by focusing its field and typing the digits. A field is
focused by a tap, or by the keypad's Enter key when the app moves from one count to the next on Enter
(enterkeyhint="next"). Screen taps and keypad presses are counted apart: a screen tap means finding
the field and often scrolling to it, a keypad press does not.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo_server import PHONE, demo_server, launch, log_in_inspector  # noqa: E402

from models import Survey, db  # noqa: E402

STORE = "DEMO-001"


class Counter:
    """Screen taps and keypad presses, made through the page so none is missed."""

    def __init__(self, page):
        self.page, self.taps, self.keys = page, 0, 0

    def tap(self, selector: str) -> None:
        self.page.click(selector)
        self.taps += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1


def fill_full_survey(page, counter: Counter, rng: random.Random) -> int:
    """Fill every count with a plausible value; return how many counts were filled."""
    counter.tap("#store-search")
    counter.type(STORE)
    counter.tap(f"#store-list button.store[data-code='{STORE}']")
    page.wait_for_selector("#view-form:not([hidden])")
    ids = page.eval_on_selector_all("#form-fields input[data-key]", "(inputs) => inputs.map((i) => i.id)") + ["f-skus"]
    enter_moves = page.get_attribute(f"#{ids[0]}", "enterkeyhint") == "next"
    focused_by_keypad = False
    for index, field in enumerate(ids):
        value = rng.randint(1, 40) if field != "f-skus" else 250
        if value <= 2 and field != "f-skus":
            for _ in range(value):
                counter.tap(f"#{field} ~ button.step[data-step='1']")
            focused_by_keypad = False
            continue
        if not focused_by_keypad:
            counter.tap(f"#{field}")
        page.eval_on_selector(f"#{field}", "(input) => input.select()")  # the tap selects the 0, as on a phone
        counter.type(str(value))
        last = index == len(ids) - 1
        focused_by_keypad = enter_moves and not last
        if focused_by_keypad:
            counter.press("Enter")
    page.on("dialog", lambda dialog: dialog.accept())
    counter.tap("#save-survey")
    page.wait_for_selector("#view-stores:not([hidden])")
    return len(ids)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with demo_server() as (app, base, password), sync_playwright() as playwright:
        with app.app_context():
            before = db.session.query(Survey).count()
        browser = launch(playwright)
        page = browser.new_context(**PHONE).new_page()
        log_in_inspector(page, base, password)
        counter = Counter(page)
        fields = fill_full_survey(page, counter, random.Random(889))
        page.wait_for_function("() => document.querySelector('#outbox-count').textContent === '0'")
        browser.close()
        with app.app_context():
            stored = db.session.query(Survey).count() - before
    print(f"One full survey of {fields} counts on the phone ({ROOT.name}): new surveys on the server: {stored}")
    together = counter.taps + counter.keys
    print(f"  screen taps {counter.taps:>3}   keypad presses {counter.keys:>3}   together {together:>3}")
    print(f"  screen taps per count {counter.taps / fields:.2f}")


if __name__ == "__main__":
    main()
