"""What the phone needs to propose a store found in the field, offline: the store types and the texts'
limits in vocabularies.json, read from the server's own payload model, every message its on-demand
modules ask for in more-messages.json, and those modules precached by the service worker."""

from __future__ import annotations

import re
from pathlib import Path

from survey.domain import policy
from survey.domain.proposals.payloads import ProposalIn
from survey.web.offline_app import LAZY_SCRIPTS

MODULES = ("proposal-view.js", "proposals.js")
JS = Path(__file__).resolve().parent.parent / "static" / "js"


def test_the_phone_gets_the_store_types_and_limits_the_server_checks_a_proposal_against(client, auth):
    auth.login("inspector")
    copy = client.get("/app/vocabularies.json").get_json()
    schema = ProposalIn.model_json_schema()["properties"]
    assert copy["store_types"] == list(policy.STORE_TYPES) == schema["type"]["enum"]
    limits = {name: schema[name]["maxLength"] for name in ("name", "address")}
    assert copy["proposal_max_length"] == limits == {"name": 200, "address": 300}


def test_every_message_the_proposal_modules_ask_for_is_served_in_both_languages(client, auth):
    auth.login("inspector")
    asked = set()
    for name in MODULES:
        asked |= set(re.findall(r"'(proposal_[a-z_]+)'", (JS / name).read_text(encoding="utf-8")))
    asked |= {f"proposal_type_{code}" for code in policy.STORE_TYPES}
    assert {"proposal_save", "proposal_name_required", "proposal_front_caption"} <= asked
    vietnamese = client.get("/app/more-messages.json?lang=vi").get_json()
    english = client.get("/app/more-messages.json?lang=en").get_json()
    assert asked <= set(vietnamese) and asked <= set(english)
    assert vietnamese["proposal_type_supermarket"] == "Siêu thị" and english["proposal_type_market"] == "Market"
    assert vietnamese["proposal_front_caption"] == "Mặt tiền cửa hàng"
    assert vietnamese["proposal_too_long"] == "Dài {n} ký tự; tối đa {max}."


def test_the_proposal_modules_are_precached_and_the_shell_only_links_to_them(client, auth):
    assert set(MODULES) <= set(LAZY_SCRIPTS)
    worker = client.get("/sw.js").get_data(as_text=True)
    for name in MODULES:
        assert f'"/static/js/{name}"' in worker
    auth.login("inspector")
    page = client.get("/app").get_data(as_text=True)
    assert 'id="propose-store"' in page and "Cửa hàng không có trong danh sách?" in page
    assert "proposal-view.js" not in page  # imported on the first tap, not preloaded
