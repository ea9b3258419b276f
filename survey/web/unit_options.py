"""The unit filters' options on the review, indicators and posters pages, in the reader's language.

survey.domain.unit_choices decides the groups, the order and what tells two units apart;
this names them: a group label for each <optgroup>, the parent after a comma, and the mark
"(before 01/07/2025)" on every abolished unit. templates/_unit_options.html draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from survey.domain import policy, unit_choices
from survey.i18n import local_date
from survey.labels import UNIT_GROUP_NAMES


@dataclass(frozen=True)
class OptionGroup:
    label: str
    options: list[tuple[str, str]]  # (code, text shown)


def option_text(choice: unit_choices.UnitChoice) -> str:
    # "Xã Minh Tân, Huyện Kiến Xương": the unit, then its parent, as an address is written.
    text = f"{choice.name}, {choice.parent_name}" if choice.parent_name else choice.name
    if choice.code_shown:
        text += f" ({choice.code})"
    if choice.ended_on is not None:
        text += " " + _("(before %(day)s)", day=local_date(choice.ended_on))
    return text


def unit_option_groups() -> list[OptionGroup]:
    """The units in force, then the abolished ones; a group with no unit is left out."""
    groups = zip(("in_force", "abolished"), unit_choices.unit_choices(policy.local_today()), strict=True)
    return [
        OptionGroup(str(UNIT_GROUP_NAMES[key]), [(choice.code, option_text(choice)) for choice in choices])
        for key, choices in groups
        if choices
    ]
