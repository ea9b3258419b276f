"""The unit filters of the staff's pages tell units apart: those in force first, then the abolished
ones marked with the day they ended, the parent beside a name its group holds twice, in Vietnamese
alphabetical order (names.sort_key)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from models import AdminUnit, db
from survey.domain import names
from tests.conftest import add_unit

ENDED = date(2025, 6, 30)
GROUP = re.compile(r'<optgroup label="([^"]*)">(.*?)</optgroup>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


@pytest.fixture
def namesakes(app):
    """Hưng Yên's trap in small: a ward in force and an abolished one of the same name, two abolished
    communes of the same name in two old districts, a name with a double space (as loaded before the
    migration), and names whose order code points get wrong (Đ after Y)."""
    with app.app_context():
        units = {unit.code: unit for unit in db.session.scalars(select(AdminUnit))}
        province, my_hao = units["HY"], units["HY-MH"]
        kien_xuong = add_unit("L-KX", "Huyện Kiến Xương", "district", province, valid_to=ENDED)
        add_unit("HC", "Phường Hồng Châu", "commune", province, valid_from=date(2025, 7, 1))
        add_unit("L-HC", "Phường Hồng Châu", "commune", my_hao, valid_to=ENDED)
        add_unit("L-MT1", "Xã Minh Tân", "commune", my_hao, valid_to=ENDED)
        add_unit("L-MT2", "Xã Minh Tân", "commune", kien_xuong, valid_to=ENDED)
        for code, name in (
            ("YM", "Xã Yên Mỹ"),
            ("DK", "Xã Đông Kết"),
            ("DS", "Xã Dị Sử"),
            ("BDQ", "Xã  Bắc Đông Quan"),
        ):
            add_unit(code, name, "commune", province, valid_from=date(2025, 7, 1))
        db.session.commit()


def unit_groups(html: str) -> list[tuple[str, list[tuple[str, bool, str]]]]:
    """The unit select's groups: (label, [(code, selected, text)])."""
    select_html = html[html.index('<select id="unit"') :]
    select_html = select_html[: select_html.index("</select>")]
    return [(label, OPTION.findall(body)) for label, body in GROUP.findall(select_html)]


def texts(group) -> list[str]:
    return [text for _code, _selected, text in group[1]]


IN_FORCE = [
    "Tỉnh Hưng Yên",
    "Phường Hồng Châu",
    "Phường Phố Hiến",
    "Xã Bắc Đông Quan",
    "Xã Dị Sử",
    "Xã Đông Kết",
    "Xã Yên Mỹ",
]
ABOLISHED = [
    "Huyện Kiến Xương (trước 01/07/2025)",
    "Thị xã Mỹ Hào (trước 01/07/2025)",
    "Phường Hồng Châu (trước 01/07/2025)",
    "Xã Minh Tân, Huyện Kiến Xương (trước 01/07/2025)",
    "Xã Minh Tân, Thị xã Mỹ Hào (trước 01/07/2025)",
]


@pytest.mark.parametrize(
    ("username", "url"), [("reviewer", "/review"), ("reviewer", "/indicators"), ("reviewer", "/posters")]
)
def test_the_unit_lists_tell_namesakes_apart(client, auth, namesakes, username, url):
    auth.login(username)
    groups = unit_groups(client.get(url).get_data(as_text=True))
    assert [label for label, _options in groups] == ["Đơn vị hiện hành", "Đơn vị cũ (trước sáp nhập)"]
    assert texts(groups[0]) == IN_FORCE
    assert texts(groups[1]) == ABOLISHED


def test_the_chosen_unit_stays_chosen(client, auth, namesakes):
    auth.login("reviewer")
    groups = unit_groups(client.get("/review?unit=L-MT2").get_data(as_text=True))
    chosen = [(code, text) for _label, options in groups for code, selected, text in options if selected]
    assert chosen == [("L-MT2", "Xã Minh Tân, Huyện Kiến Xương (trước 01/07/2025)")]


def test_the_english_page_says_before_in_english(client, auth, namesakes):
    auth.login("reviewer")
    groups = unit_groups(client.get("/review?lang=en").get_data(as_text=True))
    assert [label for label, _options in groups] == ["Units in force", "Former units"]
    assert "Phường Hồng Châu (before 01/07/2025)" in texts(groups[1])


def test_vietnamese_alphabetical_order():
    shuffled = ["Xã Yên Mỹ", "Xã Đông Kết", "Xã Ân Thi", "Xã Dị Sử", "Xã An Vĩ", "Xã Ăn Thi", "Xã Anh Dũng", "Xã Ô Mễ"]
    assert sorted(shuffled, key=names.sort_key) == [
        "Xã An Vĩ",  # a space before any letter: "An" before "Anh"
        "Xã Anh Dũng",
        "Xã Ăn Thi",  # a < ă < â
        "Xã Ân Thi",
        "Xã Dị Sử",  # d < đ, and đ long before y (code points put it after z)
        "Xã Đông Kết",
        "Xã Ô Mễ",
        "Xã Yên Mỹ",
    ]
    # The tones only part names whose letters are the same: level, grave, hook, tilde, acute, dot.
    assert sorted(["Ma", "Mạ", "Má", "Mã", "Mả", "Mà"], key=names.sort_key) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]


def test_a_unit_entered_twice_under_one_parent_shows_its_code(client, auth, namesakes):
    with client.application.app_context():
        province = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "HY"))
        add_unit("T-2", "Xã Trùng Tên", "commune", province)
        add_unit("T-1", "Xã Trùng Tên", "commune", province)
        db.session.commit()
    auth.login("reviewer")
    in_force = texts(unit_groups(client.get("/review").get_data(as_text=True))[0])
    assert in_force[-3:-1] == ["Xã Trùng Tên, Tỉnh Hưng Yên (T-1)", "Xã Trùng Tên, Tỉnh Hưng Yên (T-2)"]
