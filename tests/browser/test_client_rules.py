"""The phone's checks agree with the server's, and a draft survives a reload."""

from __future__ import annotations

import copy
import json
import random
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import User, db
from survey.domain import policy, sync
from tests.browser.conftest import fill_survey, new_phone, ready, wait_for_rows

BASE = {
    "store_code": "S-001",
    "visited_at": "2025-06-14T09:30:00+07:00",
    "form_version": 1,
    "packaging": [{"zone": "checkout", "category": "PAPER", "count": 5}],
    "eco_labels": [{"label": "VN_ECOLABEL", "product_group": "", "sku_count": 2}],
    "skus_checked": 10,
    "notes": "",
}


def products(gtin: str, label: str = "VN_ECOLABEL") -> dict:
    """A change listing one product (with the label seen, so the list's content does not matter)."""
    return {"eco_labels": [], "products": [{"gtin": gtin, "label": label}]}


CASES = {
    "valid": {},
    "no store": {"store_code": ""},
    "empty checkout": {"packaging": [{"zone": "store_packed", "category": "PAPER", "count": 3}]},
    "zero checkout": {"packaging": [{"zone": "checkout", "category": "PAPER", "count": 0}]},
    "negative": {"packaging": [{"zone": "checkout", "category": "PAPER", "count": -1}]},
    "fraction": {"packaging": [{"zone": "checkout", "category": "PAPER", "count": 1.5}]},
    "too many": {"packaging": [{"zone": "checkout", "category": "PAPER", "count": 100001}]},
    "wrong zone": {
        "packaging": [
            {"zone": "checkout", "category": "PAPER", "count": 2},
            {"zone": "checkout", "category": "NATURAL", "count": 1},
        ]
    },
    "fewer skus checked than labelled (a warning, not an error)": {"skus_checked": 1},
    "skus checked negative": {"skus_checked": -1},
    "unknown label": {"eco_labels": [{"label": "NOPE", "product_group": "", "sku_count": 1}]},
    "far future": {"visited_at": "2099-01-01T09:00:00+07:00"},
    "long notes": {"notes": "x" * 2001},
    "products": products("4006381333931"),
    "products with a wrong check digit": products("4006381333932"),
    "products of a wrong length": products("400638133"),
    "products not all digits": products("40063813339A1"),
    "products of an unknown label": products("4006381333931", "NOPE"),
    "products beside typed counts": {"products": [{"gtin": "4006381333931", "label": "VN_ECOLABEL"}]},
    "customers": {"transactions_observed": 30},
    "no customers": {"transactions_observed": 0},
    "too many customers": {"transactions_observed": 501},
}


@pytest.fixture
def app_page(browser, live_server):
    context, page = new_phone(browser, live_server)
    yield page
    context.close()


def test_phone_and_server_accept_and_refuse_the_same_surveys(app_page, app):
    client_errors = app_page.evaluate(
        """async (cases) => {
            const rules = await import('/static/js/rules.js');
            const vocab = await (await fetch('/app/vocabularies.json')).json();
            const out = {};
            for (const [name, survey] of Object.entries(cases)) {
              out[name] = Object.keys(rules.validateSurvey(survey, vocab, (key) => key));
            }
            return out;
        }""",
        {name: {**copy.deepcopy(BASE), **change} for name, change in CASES.items()},
    )
    with app.app_context():
        inspector = db.session.scalar(select(User).where(User.username == "inspector"))
        for name, change in CASES.items():
            survey = {**copy.deepcopy(BASE), **change, "id": str(uuid.uuid4())}
            if survey["store_code"] == "":
                survey["store_code"] = "UNKNOWN"  # the phone cannot pick an unknown store; the server refuses it
            server = sync.store_survey(survey, "inspection", inspector)
            assert (server["status"] == "created") == (client_errors[name] == []), (name, server, client_errors[name])


def test_phone_and_server_judge_compliance_alike(app_page):
    rng = random.Random(2030)
    cases = []
    for _ in range(60):
        totals = {zone: [rng.randint(0, 4), rng.randint(0, 5)] for zone in policy.ZONES}
        totals = {zone: [min(eco, total), total] for zone, (eco, total) in totals.items()}
        minimum = rng.choice([100, 80, 85.5, 0])
        zones = rng.choice([["checkout"], ["checkout", "store_packed"]])
        rule = {"zones": zones, "min_eco_share_pct": minimum, "min_eco_share_hundredths": round(minimum * 100)}
        cases.append({"totals": totals, "rule": rule})
    client = app_page.evaluate(
        """async (cases) => {
            const rules = await import('/static/js/rules.js');
            return cases.map((c) => rules.isCompliant(
              Object.fromEntries(Object.entries(c.totals).map(([z, [eco, total]]) => [z, {eco, total}])), c.rule));
        }""",
        cases,
    )
    for case, verdict in zip(cases, client, strict=True):
        zones = {zone: policy.ZoneCount(eco, total) for zone, (eco, total) in case["totals"].items()}
        rule = policy.Rule(1, tuple(case["rule"]["zones"]), Decimal(str(case["rule"]["min_eco_share_pct"])), 85)
        assert verdict == policy.is_compliant(zones, rule), case


def test_phone_and_server_question_the_same_unlikely_values(app_page):
    rng = random.Random(889)
    cases = []
    for _ in range(40):
        checkout = rng.choice([0, 150, 200, 201, 900])
        labelled = [rng.randint(0, 4) for _ in range(rng.randint(0, 3))]
        cases.append(
            {
                "packaging": [
                    {"zone": "checkout", "category": "PAPER", "count": checkout // 2},
                    {"zone": "checkout", "category": "PE_BAG", "count": checkout - checkout // 2},
                    {"zone": "store_packed", "category": "PAPER", "count": rng.randint(0, 500)},
                ],
                "eco_labels": [{"label": "VN_ECOLABEL", "product_group": "", "sku_count": n} for n in labelled],
                "skus_checked": rng.choice([None, 0, 2, 5]),
            }
        )
        if rng.random() < 0.6:  # counted by the tally; left out of a survey typed without it
            cases[-1]["transactions_observed"] = rng.choice([1, policy.FEW_CUSTOMERS - 1, policy.FEW_CUSTOMERS, 30])
    client = app_page.evaluate(
        """async (cases) => {
            const rules = await import('/static/js/rules.js');
            const vocab = await (await fetch('/app/vocabularies.json')).json();
            return cases.map((c) => rules.softWarnings(c, vocab));
        }""",
        cases,
    )
    phone_keys = {
        "many_bags": "warn_many_bags",
        "labels_over_checked": "warn_labels_over_checked",
        "few_customers": "warn_few_customers",
    }
    seen = set()
    for case, warnings in zip(cases, client, strict=True):
        checkout = sum(line["count"] for line in case["packaging"] if line["zone"] == "checkout")
        labelled = sum(line["sku_count"] for line in case["eco_labels"])
        customers = case.get("transactions_observed")
        expected = [
            phone_keys[key] for key in policy.unlikely_values(checkout, labelled, case["skus_checked"], customers)
        ]
        assert warnings == expected, case
        seen.update(expected)
    assert seen == set(phone_keys.values())  # every warning was exercised


def test_half_filled_form_survives_a_reload(app_page):
    fill_survey(app_page, "S-002", 3, pe_bags=1)
    app_page.fill("#f-skus", "40")
    app_page.dispatch_event("#f-skus", "input")
    app_page.wait_for_timeout(600)  # the draft is written a moment after the last change
    app_page.reload()
    app_page.wait_for_selector("#view-form:not([hidden])")
    assert app_page.input_value("#c-checkout-PAPER") == "3"
    assert app_page.input_value("#c-checkout-PE_BAG") == "1"
    assert app_page.input_value("#f-skus") == "40"
    assert "S-002" in app_page.text_content("#form-store-meta")


def test_stale_csrf_token_is_refreshed_and_the_send_retried_once(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    calls = []

    def stale_once(route):
        calls.append(1)
        if len(calls) == 1:
            body = {"error": {"code": "csrf", "message": "stale"}}
            route.fulfill(status=400, content_type="application/json", body=json.dumps(body))
        else:
            route.continue_()

    context.route("**/api/v1/surveys", stale_once)
    fill_survey(page, "S-001", 2)
    page.click("#save-survey")
    rows = wait_for_rows(app, 1, timeout=5, page=page)
    assert rows == 1, (calls, page.text_content("#status"))  # in the same flush, not after a back-off
    assert len(calls) == 2
    context.close()


def test_store_search_offline_by_name_code_and_unit(browser, live_server):
    context, page = new_phone(browser, live_server)
    context.set_offline(True)
    page.reload()
    ready(page)
    cases = (
        ("S-002", ["S-002"]),
        ("s-002", ["S-002"]),  # codes in any case
        ("pho hien", ["S-001"]),  # without accents
        ("PHỐ HIẾN", ["S-001"]),  # in capitals with accents
        ("mỹ hào", ["S-002", "S-003"]),
    )
    for query, expected in cases:
        page.fill("#store-search", query)
        page.wait_for_function(
            "(n) => document.querySelectorAll('#store-list button.store').length === n", arg=len(expected)
        )
        codes = page.eval_on_selector_all("#store-list button.store", "(nodes) => nodes.map((n) => n.dataset.code)")
        assert sorted(codes) == expected, query
    assert "24" in page.text_content("#stores-refreshed") or page.text_content("#stores-refreshed").strip()
    context.close()


def test_enter_in_a_count_goes_to_the_next_count_and_never_saves(app_page):
    fill_survey(app_page, "S-002", 1)
    fields = app_page.eval_on_selector_all("#form-fields input[data-key]", "(inputs) => inputs.map((i) => i.id)")
    app_page.focus(f"#{fields[0]}")
    typed = app_page.eval_on_selector_all("#survey-form [data-field]", "(inputs) => inputs.map((i) => i.id)")
    assert typed[0] == "f-skus" and typed[-1] == "f-notes"  # the typed counts, then the notes
    for expected in [*fields[1:], *typed]:
        app_page.keyboard.press("Enter")
        assert app_page.evaluate("document.activeElement.id") == expected
    assert app_page.is_visible("#view-form")  # still on the form: nothing was saved
    assert app_page.evaluate("document.querySelector('#outbox-count').textContent") == "0"


def test_skus_checked_takes_digits_only(app_page):
    fill_survey(app_page, "S-002", 3)
    app_page.fill("#f-skus", "12e3")
    app_page.click("#save-survey")
    assert app_page.get_attribute("#f-skus", "aria-invalid") == "true"
    assert app_page.is_visible("#view-form")


def test_a_moment_reads_as_the_browser_writes_it_in_each_zone(app_page):
    """rules.timeText keeps one formatter per zone; its text is toLocaleString('vi-VN')'s, every time."""
    moments = ["2025-06-14T02:30:00Z", "2026-12-31T23:59:59Z", "2024-02-29T12:00:00+07:00"]
    zones = ["Asia/Ho_Chi_Minh", "UTC", "America/New_York", None]
    texts = app_page.evaluate(
        """async ([moments, zones]) => {
            const rules = await import('/static/js/rules.js');
            return zones.flatMap((zone) => [...moments, ...moments].map((iso) => [
              rules.timeText(iso, zone ?? undefined),
              new Date(iso).toLocaleString('vi-VN', { timeZone: zone ?? undefined })]));
        }""",
        [moments, zones],
    )
    assert len(texts) == 2 * len(moments) * len(zones)
    assert [mine for mine, _ in texts] == [browsers for _, browsers in texts]
    assert len({mine for mine, _ in texts}) > len(moments)  # the zones do change the text
    assert app_page.evaluate("import('/static/js/rules.js').then((rules) => rules.timeText(null, 'UTC'))") == "–"


def test_the_header_counts_queued_surveys_and_photos_whose_survey_has_gone(app_page):
    counts = app_page.evaluate(
        """async () => (await import('/static/js/rules.js')).unsentCounts([{ id: 'a' }, { id: 'b' }],
            [{ state: 'upload' }, { state: 'refused' }, { state: 'waiting' }, { state: 'draft' }])"""
    )
    assert counts == {"surveys": 2, "photos": 2}
