"""A whole report: the parts of Decree 30/2020/NĐ-CP, Appendix I, around the body the writer makes: a
province's (`build`) or the Ministry's national report (`build_national`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from survey.domain import report_settings
from survey.domain.report import content
from survey.domain.report.blocks import Block, Table
from survey.domain.report.national_writer import NationalWriter
from survey.domain.report.period import Period, summary
from survey.domain.report.tables import Names
from survey.domain.report.writer import Writer
from survey.domain.report_settings import Settings


@dataclass(frozen=True)
class Document:
    """A report in the parts of Decree 30/2020/NĐ-CP, Appendix I, with its body."""

    period: Period
    settings: Settings
    national_name: str  # quốc hiệu
    motto: str  # tiêu ngữ
    number: str  # Số: …/BC-SCT
    place_date: str  # Hưng Yên, ngày … tháng … năm …
    kind: str  # BÁO CÁO
    summary: str  # trích yếu
    addressee: str  # Kính gửi: …
    body: tuple[Block, ...]
    signer_name: str  # the name, or a mark where it goes until an admin sets it
    recipients_title: str
    recipients: tuple[str, ...]
    figures: dict = field(repr=False)  # the figures of each year, as the indicators API gives them

    @property
    def tables(self) -> dict[str, Table]:
        """The body's tables by their key."""
        return {block.key: block for block in self.body if isinstance(block, Table)}


def build(period: Period, level: str, settings: Settings, names: Names) -> Document:
    """The province's report of a period with its units read at a level, in the current language."""
    read = content.read(period, level)
    return assemble(read, settings, Writer(read, names).body())


def build_national(period: Period, names: Names) -> Document:
    """The Ministry's national report of a period, in the current language: the nation's figures and each
    province's, issued by the Ministry of Industry and Trade to the Prime Minister."""
    read = content.read_national(period)
    return assemble(read, report_settings.national(), NationalWriter(read, names).body())


def assemble(read: content.Figures, settings: Settings, body: list[Block]) -> Document:
    """The parts of Decree 30/2020/NĐ-CP around a body, from the settings of whoever issues it."""
    period = read.period
    return Document(
        period=period,
        settings=settings,
        national_name=_("SOCIALIST REPUBLIC OF VIETNAM"),
        motto=_("Independence - Freedom - Happiness"),
        number=_("No.: …/%(symbol)s", symbol=settings.symbol),
        place_date=_("%(place)s, day … month … year %(year)s", place=settings.place, year=read.produced_at.year),
        kind=_("REPORT"),
        summary=summary(period),
        addressee=_("To: %(addressee)s.", addressee=settings.addressee) if settings.addressee else "",
        body=tuple(body),
        signer_name=settings.signer_name or _("(Full name)"),
        recipients_title=_("Recipients:"),
        recipients=tuple(f"- {line}" for line in settings.recipient_lines),
        figures=read.by_year,
    )
