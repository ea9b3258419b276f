"""The certified-product list and products in surveys, as contract.md "Products and the checkout tally"
says: the import all or nothing, the list's API, GTINs checked, eco-label counts derived on the server."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from sqlalchemy import func, select

from models import EcoLabelLine, Product, db
from survey.domain.products import gtin

HEADER = "gtin,name,brand,label,certificate_no,valid_from,valid_to\n"
# Valid GTINs (check digits worked out by gtin.check_digit, tested on its own in test_gtin.py).
SOAP, BAG, BOX, UNLISTED, OTHER = (
    "8934563138165",
    "8935049500513",
    "96385074",
    "036000291452",
    "4006381333931",
)
LIST = (
    HEADER
    + f"{SOAP},Xà phòng Sạch,Sạch,VN_ECOLABEL,VNEL-001,01/01/2025,31/12/2027\n"
    + f"{BAG},Túi tự hủy,Xanh,ECO_BAG_CERT,TX-9,2024-01-01,2024-12-31\n"  # expired before 2025
    + f"{BOX},Hộp giấy,,VN_ECOLABEL,,,\n"  # no dates: no limit either side
)


def write(tmp_path, text: str, name: str = "products.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def listed(runner, tmp_path):
    result = runner.invoke(args=["import-products", write(tmp_path, LIST)])
    assert result.exit_code == 0, result.output
    return result


def survey(products=None, labels=None, **more) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "store_code": "S-001",
        "visited_at": "2025-06-10T10:00:00+07:00",
        "form_version": 1,
        "packaging": [{"zone": "checkout", "category": "PAPER", "count": 20}],
        "eco_labels": labels or [],
        **more,
    }
    if products is not None:
        body["products"] = products
    return body


def sync(api, body) -> dict:
    response = api.post("/api/v1/surveys", json={"surveys": [body]})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"][0]


def stored(api, survey_id: str) -> dict:
    return api.get(f"/api/v1/surveys/{survey_id}").get_json()


def test_the_import_prints_counts_and_the_api_lists_the_products(app, runner, listed, api):
    assert "3" in listed.output
    api.login("inspector")
    products = {p["gtin"]: p for p in api.get("/api/v1/products").get_json()["products"]}
    assert set(products) == {SOAP, BAG, BOX}
    assert products[SOAP] == {
        "gtin": SOAP,
        "name": "Xà phòng Sạch",
        "brand": "Sạch",
        "label": "VN_ECOLABEL",
        "certificate_no": "VNEL-001",
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
    }
    assert products[BAG]["valid_to"] == "2024-12-31"
    assert products[BOX]["valid_from"] is None and products[BOX]["brand"] == ""


def test_the_list_needs_a_log_in(client):
    assert client.get("/api/v1/products").status_code == 401


def test_a_gtin_already_listed_is_updated(app, runner, listed, tmp_path):
    again = HEADER + f"{SOAP},Xà phòng Sạch mới,Sạch,VN_ECOLABEL,VNEL-002,01/01/2025,31/12/2028\n"
    result = runner.invoke(args=["import-products", write(tmp_path, again, "again.csv")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 3
        product = db.session.get(Product, SOAP)
        assert product.name == "Xà phòng Sạch mới" and product.certificate_no == "VNEL-002"


@pytest.mark.parametrize(
    ("bad_line", "words"),
    [
        (f"{SOAP},Trùng,,VN_ECOLABEL,,,\n", " 2"),  # the same GTIN again: "… on line 2"
        ("8934563138166,Sai số kiểm tra,,VN_ECOLABEL,,,\n", "8934563138166"),
        ("89345631381,Thiếu số,,VN_ECOLABEL,,,\n", "89345631381"),
        (f"{OTHER},Ngày không có,,VN_ECOLABEL,,31/02/2025,\n", "31/02/2025"),
        (f"{OTHER},Nhãn lạ,,NOT_A_LABEL,,,\n", "NOT_A_LABEL"),
        (f"{OTHER},Ngược ngày,,VN_ECOLABEL,,01/01/2026,01/01/2025\n", "valid_to"),
    ],
)
def test_one_bad_line_imports_nothing_and_is_named(app, runner, tmp_path, bad_line, words):
    text = HEADER + f"{SOAP},Xà phòng,,VN_ECOLABEL,,,\n" + bad_line
    result = runner.invoke(args=["import-products", write(tmp_path, text)])
    assert result.exit_code != 0
    assert "line 3:" in result.output and words in result.output, result.output
    assert "line 2:" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_labels_may_be_named_in_vietnamese(app, runner, tmp_path):
    text = HEADER + f"{SOAP},Xà phòng,,nhãn sinh thái việt nam,,,\n"
    assert runner.invoke(args=["import-products", write(tmp_path, text)]).exit_code == 0
    with app.app_context():
        assert db.session.get(Product, SOAP).label_code == "VN_ECOLABEL"


def test_counts_are_derived_from_the_products(app, listed, api):
    """Each distinct GTIN one SKU of its label; an expired certificate counts for nothing; an unlisted
    GTIN counts under the label its pack showed."""
    api.login("inspector")
    products = [
        {"gtin": SOAP},
        {"gtin": SOAP, "label": "VN_ECOLABEL"},  # the same product scanned twice: one SKU
        {"gtin": BOX},
        {"gtin": BAG},  # listed, certificate ended in 2024
        {"gtin": UNLISTED, "label": "ECO_BAG_CERT"},
        {"gtin": OTHER, "label": "SELF_DECLARED"},
    ]
    body = survey(products, transactions_observed=30)
    assert sync(api, body)["status"] == "created"
    answer = stored(api, body["id"])
    assert sorted((line["label"], line["sku_count"]) for line in answer["eco_labels"]) == [
        ("ECO_BAG_CERT", 1),
        ("SELF_DECLARED", 1),
        ("VN_ECOLABEL", 2),
    ]
    assert {line["product_group"] for line in answer["eco_labels"]} == {""}
    by_gtin = {p["gtin"]: p for p in answer["products"]}
    assert by_gtin[SOAP] == {"gtin": SOAP, "label": "VN_ECOLABEL", "listed": True, "certificate_valid": True}
    assert by_gtin[BAG]["certificate_valid"] is False
    assert by_gtin[UNLISTED] == {"gtin": UNLISTED, "label": "ECO_BAG_CERT", "listed": False, "certificate_valid": None}
    assert len(answer["products"]) == 5
    assert answer["transactions_observed"] == 30


def test_a_listed_product_takes_the_lists_label(app, listed, api):
    api.login("inspector")
    body = survey([{"gtin": SOAP, "label": "FOREIGN_ECOLABEL"}])
    assert sync(api, body)["status"] == "created"
    assert [(x["label"], x["sku_count"]) for x in stored(api, body["id"])["eco_labels"]] == [("VN_ECOLABEL", 1)]


def test_eco_products_counts_the_listed_valid_ones_in_the_deciding_surveys(app, listed, api):
    api.login("inspector")
    first = survey([{"gtin": SOAP}, {"gtin": BAG}, {"gtin": UNLISTED, "label": "VN_ECOLABEL"}])
    other_store = survey([{"gtin": SOAP}, {"gtin": BOX}], store_code="S-002")
    assert sync(api, first)["status"] == sync(api, other_store)["status"] == "created"
    api.login("reviewer")
    figures = api.get("/api/v1/indicators?year=2025").get_json()
    assert figures["eco_products"] == 2  # SOAP (in two stores, once) and BOX; BAG expired, UNLISTED unlisted
    assert figures["eco_label_skus"] == 2 + 2


@pytest.mark.parametrize(
    ("products", "field"),
    [
        ([{"gtin": "8934563138166"}], "products.0.gtin"),  # wrong check digit
        ([{"gtin": "893456313816"}], "products.0.gtin"),  # 12 digits, not a UPC-A's check digit either
        ([{"gtin": "89345631381"}], "products.0.gtin"),  # 11 digits
        ([{"gtin": "8934563l38165"}], "products.0.gtin"),
        ([{"gtin": SOAP}, {"gtin": UNLISTED}], "products.1.label"),  # unlisted needs its label
        ([{"gtin": UNLISTED, "label": "NOPE"}], "products.0.label"),
        ([{"gtin": SOAP}] * 501, "products"),
    ],
)
def test_bad_products_make_the_survey_invalid_on_their_field(app, listed, api, products, field):
    api.login("inspector")
    result = sync(api, survey(products))
    assert result["status"] == "invalid"
    assert field in result["errors"], result["errors"]


def test_typed_counts_beside_products_are_refused_and_an_empty_list_is_allowed(app, listed, api):
    api.login("inspector")
    both = survey([{"gtin": SOAP}], labels=[{"label": "VN_ECOLABEL", "sku_count": 3}])
    result = sync(api, both)
    assert result["status"] == "invalid" and "eco_labels" in result["errors"]
    assert sync(api, survey([{"gtin": SOAP}], labels=[]))["status"] == "created"


def test_typed_counts_without_products_stay_valid(app, api):
    api.login("inspector")
    body = survey(labels=[{"label": "VN_ECOLABEL", "sku_count": 4}])
    assert sync(api, body)["status"] == "created"
    answer = stored(api, body["id"])
    assert answer["eco_labels"][0]["sku_count"] == 4 and answer["products"] == []
    assert answer["transactions_observed"] is None


@pytest.mark.parametrize("bad", [0, 501, "30", 30.0, True, -1])
def test_transactions_observed_is_a_whole_number_from_1_to_500(app, api, bad):
    api.login("inspector")
    result = sync(api, survey(transactions_observed=bad))
    assert result["status"] == "invalid" and "transactions_observed" in result["errors"]


@pytest.mark.parametrize("good", [1, 500])
def test_transactions_observed_limits_are_inclusive(app, api, good):
    api.login("inspector")
    assert sync(api, survey(transactions_observed=good))["status"] == "created"


def test_the_same_products_in_another_order_are_a_duplicate_and_others_a_conflict(app, listed, api):
    api.login("inspector")
    body = survey([{"gtin": SOAP}, {"gtin": BOX}])
    assert sync(api, body)["status"] == "created"
    assert sync(api, {**body, "products": [{"gtin": BOX}, {"gtin": SOAP}]})["status"] == "duplicate"
    assert sync(api, {**body, "products": [{"gtin": BOX}]})["status"] == "conflict"


def test_a_list_imported_later_counts_the_stored_surveys_again(app, runner, api, tmp_path):
    """An unlisted GTIN counts by its pack's label; once listed with an expired certificate, it does not."""
    api.login("inspector")
    body = survey([{"gtin": BAG, "label": "ECO_BAG_CERT"}])
    assert sync(api, body)["status"] == "created"
    assert stored(api, body["id"])["eco_labels"] == [{"label": "ECO_BAG_CERT", "product_group": "", "sku_count": 1}]
    assert runner.invoke(args=["import-products", write(tmp_path, LIST)]).exit_code == 0
    assert stored(api, body["id"])["eco_labels"] == []
    api.login("reviewer")
    assert api.get("/api/v1/indicators?year=2025").get_json()["eco_label_skus"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EcoLabelLine)) == 0


def test_gtin_tidy_is_not_applied_to_the_api():
    """The API takes digits only; spaces are tidied on the pages and in files, never guessed here."""
    assert gtin.problem(" " + SOAP) == "digits"


def test_the_products_export_counts_stores_with_a_valid_and_an_expired_certificate(app, listed, api, client):
    api.login("inspector")
    for store in ("S-001", "S-002"):
        assert sync(api, survey([{"gtin": SOAP}, {"gtin": BAG}], store_code=store))["status"] == "created"
    api.login("reviewer")
    response = api.get("/api/v1/indicators?year=2025")
    assert response.get_json()["eco_products"] == 1
    text = client.get("/exports/products/2025.csv").data.decode("utf-8-sig")
    rows = {row["gtin"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {SOAP, BAG}
    assert (rows[SOAP]["stores_valid"], rows[SOAP]["stores_expired"]) == ("2", "0")
    assert (rows[BAG]["stores_valid"], rows[BAG]["stores_expired"]) == ("0", "2")
    assert rows[BAG]["valid_to"] == "2024-12-31" and rows[SOAP]["label"] == "VN_ECOLABEL"
    workbook = client.get("/exports/products/2025.xlsx")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"


def test_the_yearly_report_has_a_short_table_of_the_products_found(app, listed, api, client, auth):
    api.login("inspector")
    assert sync(api, survey([{"gtin": SOAP}, {"gtin": BAG}]))["status"] == "created"
    auth.login("reviewer")
    html = client.get("/report?year=2025").get_data(as_text=True)
    table = html[html.index('id="report-products-found"') :]
    table = table[: table.index("</table>")]
    assert "Xà phòng Sạch (Sạch)" in table and "Túi tự hủy (Xanh)" in table
    assert "Nhãn sinh thái Việt Nam" in table
    assert "1 sản phẩm trong danh sách được chứng nhận" in html
    empty_year = client.get("/report?year=2024").get_data(as_text=True)
    assert 'id="report-products-found"' not in empty_year
