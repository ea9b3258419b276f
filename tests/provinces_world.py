"""Two provinces on one deployment, each with its own staff and data, made through the app's channels.

Province A is the seeded Hưng Yên ("HY"); province B ("BD") is added beside it. Each has an
inspector, a reviewer and an admin, a store, a survey with a photo, a store proposal, a round, a
self-report link and audit entries (the review, the round, the link). Shared by the province tests.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import date

from PIL import Image
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import AdminUnit, Store, StoreLink, SurveyRound, User, db
from survey.domain import tokens
from tests.conftest import AuthActions, JsonClient, add_store, add_unit, csrf_from, make_survey

PASSWORD = "province-pass-1"
ROLES = ("inspector", "reviewer", "admin")
# B's names are unlike anything of A's, so that a page of A holding one of them is a leak.
B_STORE_NAME = "Siêu thị Quy Nhơn Xanh"
B_STORE_CODE = "BD-777"
B_UNIT_NAME = "Phường Quy Nhơn Nam"


@dataclass
class Province:
    code: str
    store_code: str
    survey_id: str = ""
    photo_id: str = ""
    proposal_id: str = ""
    round_id: int = 0
    token: str = ""
    user_ids: dict[str, int] = field(default_factory=dict)

    def username(self, role: str) -> str:
        return f"{self.code.lower()}-{role}"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def log_in(app, username: str, password: str = PASSWORD) -> JsonClient:
    """A client of its own, logged in, with the CSRF header the phone sends."""
    client = app.test_client()
    auth = AuthActions(client)
    response = auth.login(username, password)
    assert response.status_code == 302, username
    api = JsonClient(client, auth)
    api.token = auth.csrf()
    return api


def add_users(province: Province, province_unit: AdminUnit) -> None:
    for role in ROLES:
        user = User(username=province.username(role), role=role, active=True, province_id=province_unit.id)
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.add(user)


def make_world(app, with_b: bool = True) -> dict[str, Province]:
    """Both provinces with their data (A's alone without B); returns them by code."""
    a, b = Province("HY", "S-001"), Province("BD", B_STORE_CODE)
    with app.app_context():
        hy = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "HY"))
        bd = add_unit("BD", "Tỉnh Bình Định Thử", "province")
        ward = add_unit("BD-QN", B_UNIT_NAME, "commune", bd, valid_from=date(2025, 7, 1))
        add_store(B_STORE_CODE, ward, opened_on=date(2020, 1, 1), name=B_STORE_NAME)
        db.session.flush()
        add_users(a, hy)
        add_users(b, bd)
        if not with_b:
            db.session.rollback()
            add_users(a, hy)
        db.session.commit()
        provinces = (a, b) if with_b else (a,)
        for province in provinces:
            province.user_ids = {
                role: db.session.scalar(select(User.id).where(User.username == province.username(role)))
                for role in ROLES
            }
    for province in provinces:
        fill(app, province)
    return {province.code: province for province in provinces}


def fill(app, province: Province) -> None:
    """Through the API and the pages, as each of the province's users: every kind of scoped row."""
    inspector = log_in(app, province.username("inspector"))
    province.photo_id = str(uuid.uuid4())
    survey = make_survey(store_code=province.store_code, photos=[{"id": province.photo_id, "caption": "quầy"}])
    answer = inspector.post("/api/v1/surveys", json={"surveys": [survey]}).get_json()
    assert answer["results"][0]["status"] == "created", answer
    province.survey_id = survey["id"]
    assert inspector.put(f"/api/v1/photos/{province.photo_id}", jpeg()).status_code == 201
    province.proposal_id = str(uuid.uuid4())
    proposal = {"id": province.proposal_id, "name": f"Tạp hóa mới {province.code}", "type": "supermarket"}
    assert inspector.post("/api/v1/store-proposals", json=proposal).status_code == 201
    reviewer = log_in(app, province.username("reviewer"))
    review = reviewer.post(f"/api/v1/surveys/{province.survey_id}/review", json={"state": "approved"})
    assert review.status_code == 200, review.get_data(as_text=True)
    made = reviewer.post(
        "/api/v1/rounds", json={"name": f"Đợt {province.code}", "starts_on": "2025-06-01", "ends_on": "2025-06-30"}
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    province.round_id = made.get_json()["round"]["id"]
    page = reviewer.client.get(f"/stores/{province.store_code}/link").get_data(as_text=True)
    link = reviewer.client.post(f"/stores/{province.store_code}/link/create", data={"csrf_token": csrf_from(page)})
    assert link.status_code == 302, link.get_data(as_text=True)
    with app.test_request_context("/"):
        store = db.session.scalar(select(Store).where(Store.code == province.store_code))
        link_row = db.session.scalar(select(StoreLink).where(StoreLink.store_id == store.id))
        province.token = tokens.token_for(link_row.nonce)
        assert db.session.get(SurveyRound, province.round_id) is not None
