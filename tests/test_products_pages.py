"""The certified-product pages: the list with each certificate's state on a chosen day, the import with
its line report, and the queue of unlisted barcodes an admin marks not certified."""

from __future__ import annotations

import io

from sqlalchemy import select

from models import AuditEntry, Product, UncertifiedProduct, db
from tests.conftest import csrf_from
from tests.test_products_api import BAG, BOX, LIST, SOAP, UNLISTED, stored, survey, sync


def upload(client, text: str, name: str = "products.csv"):
    page = client.get("/products/import").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "file": (io.BytesIO(text.encode()), name)}
    return client.post("/products/import", data=data, content_type="multipart/form-data")


def test_an_admin_imports_the_list_and_sees_each_certificate_state(app, client, auth):
    auth.login("admin")
    response = upload(client, LIST)
    assert response.status_code == 302
    page = client.get("/products?day=2025-06-10").get_data(as_text=True)
    assert "Xà phòng Sạch" in page and "Nhãn sinh thái Việt Nam" in page
    assert "3 sản phẩm: 2 còn hiệu lực" in page
    row = page[page.index(f'data-gtin="{BAG}"') :]
    assert "Hết hiệu lực" in row[: row.index("</tr>")]
    earlier = client.get("/products?day=2024-06-10").get_data(as_text=True)
    row = earlier[earlier.index(f'data-gtin="{SOAP}"') :]
    assert "Chưa có hiệu lực" in row[: row.index("</tr>")]


def test_a_bad_file_lists_its_lines_on_the_page_and_imports_nothing(app, client, auth):
    auth.login("admin")
    text = LIST + f"{SOAP},Trùng,,VN_ECOLABEL,,,\n"
    page = upload(client, text).get_data(as_text=True)
    assert 'id="import-errors"' in page and "dòng 2" in page
    with app.app_context():
        assert db.session.scalars(select(Product)).first() is None


def test_names_on_the_list_are_escaped(app, client, auth):
    auth.login("admin")
    upload(client, "gtin,name,label\n" + f"{SOAP},<script>alert(1)</script>,VN_ECOLABEL\n")
    page = client.get("/products").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_who_may_see_and_change_the_list(client, auth):
    auth.login("inspector")
    assert client.get("/products").status_code == 403
    auth.login("reviewer")
    assert client.get("/products").status_code == 200
    assert client.get("/products/import").status_code == 403
    assert client.get("/products/unknown").status_code == 403


def test_an_unlisted_barcode_waits_then_marked_not_certified_counts_nowhere(app, client, auth, api):
    api.login("inspector")
    body = survey([{"gtin": UNLISTED, "label": "ECO_BAG_CERT"}, {"gtin": BOX, "label": "VN_ECOLABEL"}])
    assert sync(api, body)["status"] == "created"
    auth.login("admin")
    page = client.get("/products/unknown").get_data(as_text=True)
    assert f'data-gtin="{UNLISTED}"' in page and "Chứng nhận túi ni lông" in page
    response = client.post(f"/products/unknown/{UNLISTED}/uncertified", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert f'data-gtin="{UNLISTED}"' not in client.get("/products/unknown").get_data(as_text=True)
    api.login("inspector")
    assert stored(api, body["id"])["eco_labels"] == [{"label": "VN_ECOLABEL", "product_group": "", "sku_count": 1}]
    with app.app_context():
        assert db.session.scalar(select(UncertifiedProduct).where(UncertifiedProduct.gtin == UNLISTED)) is not None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "product_uncertified"))
        assert entry.target == f"product:{UNLISTED}"


def test_marking_needs_the_csrf_token_and_a_waiting_barcode(app, client, auth, api):
    api.login("inspector")
    assert sync(api, survey([{"gtin": UNLISTED, "label": "ECO_BAG_CERT"}]))["status"] == "created"
    auth.login("admin")
    assert client.post(f"/products/unknown/{UNLISTED}/uncertified").status_code == 400
    token = csrf_from(client.get("/products/unknown").get_data(as_text=True))
    assert client.post(f"/products/unknown/{SOAP}/uncertified", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(UncertifiedProduct)).first() is None
