"""What an admin sets once for the yearly report: the issuing body, the symbol, the signer, the recipients.

They fill the parts of an administrative document that Decree 30/2020/NĐ-CP asks for and that
no survey knows (see docs/report.md). One row per province holds them; until an admin saves it, the defaults
below stand. Every change is written to the audit log, one entry per field changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import AdminUnit, ReportSettings, User, db
from survey.domain import audit
from survey.domain.provinces import tenancy

# The fields in the order of the form, with their longest length (the columns' sizes).
FIELDS = {
    "parent_body": 120,
    "issuing_body": 120,
    "symbol": 40,
    "place": 60,
    "addressee": 200,
    "signer_authority": 60,
    "signer_position": 120,
    "signer_name": 120,
    "recipients": 2000,
}
# The usual Department report to the provincial People's Committee; the signer's name is left for the admin.
# Those of Hưng Yên, for a deployment with no province yet; a province's own are made from its name.
DEFAULTS = {
    "parent_body": "UBND TỈNH HƯNG YÊN",
    "issuing_body": "SỞ CÔNG THƯƠNG",
    "symbol": "BC-SCT",
    "place": "Hưng Yên",
    "addressee": "Ủy ban nhân dân tỉnh Hưng Yên",
    "signer_authority": "KT. GIÁM ĐỐC",
    "signer_position": "PHÓ GIÁM ĐỐC",
    "signer_name": "",
    "recipients": "Như trên;\nBộ Công Thương (để b/c);\nGiám đốc Sở (để b/c);\nLưu: VT, QLTM.",
}
# The Ministry of Industry and Trade's national report to the Prime Minister (docs/provinces.md). The
# Ministry changes nothing in the app, so these stand as they are: its staff write the number, the day
# and the signer's name in the Word file when the document is registered and signed.
NATIONAL = {
    "parent_body": "",  # a ministry has no governing body line
    "issuing_body": "BỘ CÔNG THƯƠNG",
    "symbol": "BC-BCT",
    "place": "Hà Nội",
    "addressee": "Thủ tướng Chính phủ",
    "signer_authority": "KT. BỘ TRƯỞNG",
    "signer_position": "THỨ TRƯỞNG",
    "signer_name": "",
    "recipients": (
        "Như trên;\nVăn phòng Chính phủ;\nBộ trưởng (để b/c);\n"
        "Ủy ban nhân dân các tỉnh, thành phố;\nSở Công Thương các tỉnh, thành phố;\nLưu: VT."
    ),
}


@dataclass(frozen=True)
class Settings:
    """The report's settings as the report reads them."""

    parent_body: str
    issuing_body: str
    symbol: str
    place: str
    addressee: str
    signer_authority: str
    signer_position: str
    signer_name: str
    recipients: str

    @property
    def recipient_lines(self) -> list[str]:
        """The recipients, one per line, without the dash the document puts before each."""
        return [line.strip().lstrip("-–").strip() for line in self.recipients.splitlines() if line.strip()]


def stored() -> ReportSettings | None:
    """The row of the province the session works in: each province writes its own reports."""
    province_id = tenancy.current_province()
    owner = ReportSettings.province_id.is_(None) if province_id is None else ReportSettings.province_id == province_id
    return db.session.scalar(select(ReportSettings).where(owner).order_by(ReportSettings.id).limit(1))


def current() -> Settings:
    """The settings in force: the saved ones, else the defaults of the session's province."""
    row = stored()
    values = {name: getattr(row, name) for name in FIELDS} if row is not None else province_defaults()
    return Settings(**values)


def province_defaults() -> dict[str, str]:
    """The defaults of the session's province, from its name: "Tỉnh Bình Định" reports as
    "UBND TỈNH BÌNH ĐỊNH", from "Bình Định", to "Ủy ban nhân dân tỉnh Bình Định"."""
    province_id = tenancy.current_province()
    province = db.session.get(AdminUnit, province_id) if province_id is not None else None
    if province is None:
        return DEFAULTS
    name = " ".join(province.name.split())
    kind, place = next(
        ((prefix, name[len(prefix) :]) for prefix in PROVINCE_KINDS if name.startswith(prefix)), ("", name)
    )
    addressee = f"Ủy ban nhân dân {kind.lower()}{place}"
    return {**DEFAULTS, "parent_body": f"UBND {name.upper()}", "place": place, "addressee": addressee}


PROVINCE_KINDS = ("Tỉnh ", "Thành phố ")  # how the official names of provinces begin


def national() -> Settings:
    """The settings of the Ministry's national report."""
    return Settings(**NATIONAL)


def clean(name: str, value: str | None) -> str:
    """A value as it is kept: trimmed; the recipients one per line, without empty lines or the dash
    the document puts before each."""
    text = (value or "").strip()
    if name == "recipients":
        lines = (line.strip().lstrip("-–").strip() for line in text.splitlines())
        text = "\n".join(line for line in lines if line)
    return text


def save(values: dict[str, str], actor: User) -> list[str]:
    """Keep new settings and audit each field that changed; return the names of those fields."""
    row = stored()
    before = current()
    if row is None:
        row = ReportSettings(**province_defaults(), province_id=tenancy.current_province())
        db.session.add(row)
    changed = []
    for name in FIELDS:
        if name not in values:
            continue
        new, old = clean(name, values[name]), getattr(before, name)
        setattr(row, name, new)
        if new != old:
            changed.append(name)
            audit.record(actor, "report_settings", f"report:{name}", old.replace("\n", " / "), new.replace("\n", " / "))
    row.updated_by_id = actor.id
    db.session.commit()
    return changed
