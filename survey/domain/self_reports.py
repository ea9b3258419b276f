"""Self-reports waiting for review: the caps per phone and per store, and bursts a reviewer should see.

Every self-report is its own survey row and waits in its own place in the review queue; nothing
here merges or replaces one. What a stranger who sees the poster can do is bounded twice:

- per phone: a phone (a random id in a cookie the link's page sets; only its SHA-256 digest is
  stored, on `Survey.reporter_device`) may have a few reports waiting for review;
- per store: a larger cap, so that a stranger who fills their own phone's quota leaves room for
  the store manager, and one who clears cookies again and again still cannot fill the queue.

A burst is many reports from one store's link, or from one phone, within 24 hours. The reviewer
is shown it on each report that is part of one. A store has one link in force at a time, so the
store's self-reports stand for its link's.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import secrets
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from models import Survey, db

PHONE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # 256 random bits, base64url
BURST_WINDOW = timedelta(hours=24)


# --- the phone ---------------------------------------------------------------------------


def new_phone_id() -> str:
    """A fresh random id for a phone's cookie: 256 bits nobody can guess or link to a person."""
    return secrets.token_urlsafe(32)


def is_phone_id(value: str | None) -> bool:
    """Only an id this app could have made is taken; anything else gets a fresh one."""
    return bool(value) and PHONE_ID_PATTERN.fullmatch(value) is not None


def phone_digest(phone_id: str) -> str:
    """What is stored of a phone's id: its SHA-256, so a copy of the database gives no cookie."""
    return hashlib.sha256(phone_id.encode()).hexdigest()


# --- the caps ----------------------------------------------------------------------------


def waiting(*conditions) -> int:
    query = (
        select(func.count())
        .select_from(Survey)
        .where(Survey.source == "self_report", Survey.review_state == "received", *conditions)
    )
    return db.session.scalar(query)


def pending_for_store(store_id: int) -> int:
    """Self-reports of this store still waiting for a reviewer."""
    return waiting(Survey.store_id == store_id)


def pending_for_phone(digest: str) -> int:
    """Self-reports sent from this phone, to any store, still waiting for a reviewer."""
    return waiting(Survey.reporter_device == digest)


def cap_reached(store_id: int, digest: str, store_cap: int, phone_cap: int) -> str | None:
    """Which cap a new report would pass: "phone" first (the sender's own reports), then "store"; else None."""
    if pending_for_phone(digest) >= phone_cap:
        return "phone"
    if pending_for_store(store_id) >= store_cap:
        return "store"
    return None


def record_sender(survey_id: str, digest: str, name: str | None, phone: str | None) -> None:
    """Put the phone's digest, and the name and phone number given, on the report just stored.

    They are not part of the report's content (its hash), and never leave the review pages.
    """
    survey = db.session.get(Survey, uuid.UUID(survey_id))
    survey.reporter_device = digest
    if name or phone:
        survey.reporter_name, survey.reporter_phone = name, phone
    db.session.commit()


# --- bursts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Burst:
    """The most reports the report's link, and its phone, sent within 24 hours around it (0: no burst)."""

    by_link: int = 0
    by_phone: int = 0

    def __bool__(self) -> bool:
        return bool(self.by_link or self.by_phone)


def peak(times: list, moment, window: timedelta = BURST_WINDOW) -> int:
    """The most of the sorted `times` that fall in one span of `window` that contains `moment`.

    The fullest such span can always be made to start at one of the times, so trying each
    time in [moment - window, moment] as a start is enough.
    """
    first = bisect.bisect_left(times, moment - window)
    last = bisect.bisect_right(times, moment)
    best = 0
    for index in range(first, last):
        best = max(best, bisect.bisect_right(times, times[index] + window) - index)
    return best


def bursts(surveys, threshold: int, window: timedelta = BURST_WINDOW) -> dict[uuid.UUID, Burst]:
    """For each self-report given, a Burst where its link or its phone sent more than `threshold`.

    Counted over every self-report received (whatever its review state), so a burst shows
    however far the reviewer has got with it. Surveys that are not self-reports, or not part
    of a burst, are left out of the answer.
    """
    reports = [survey for survey in surveys if survey.source == "self_report" and survey.received_at]
    if not reports:
        return {}
    stores = {survey.store_id for survey in reports}
    phones = {survey.reporter_device for survey in reports if survey.reporter_device}
    start = min(survey.received_at for survey in reports) - window
    end = max(survey.received_at for survey in reports) + window
    sender = Survey.store_id.in_(stores)
    if phones:
        sender = or_(sender, Survey.reporter_device.in_(phones))
    rows = db.session.execute(
        select(Survey.store_id, Survey.reporter_device, Survey.received_at).where(
            Survey.source == "self_report", Survey.received_at.between(start, end), sender
        )
    ).all()
    by_store, by_phone = defaultdict(list), defaultdict(list)
    for store_id, device, received_at in rows:
        by_store[store_id].append(received_at)
        if device:
            by_phone[device].append(received_at)
    for times in (*by_store.values(), *by_phone.values()):
        times.sort()
    found = {}
    for survey in reports:
        link = peak(by_store[survey.store_id], survey.received_at, window)
        phone = peak(by_phone[survey.reporter_device], survey.received_at, window) if survey.reporter_device else 0
        burst = Burst(link if link > threshold else 0, phone if phone > threshold else 0)
        if burst:
            found[survey.id] = burst
    return found


# --- who reports: optional, for the reviewer only ---------------------------------------------

PHONE_CHARACTERS = re.compile(r"\+?[0-9 ]+")
PHONE_DIGITS = (8, 15)  # a Vietnamese number has 10 digits, an international one at most 15 (E.164)


def clean_name(value: str | None) -> str | None:
    """One space between words, composed accents (NFC), so a name typed on any phone is stored alike."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", " ".join(value.split())) or None


def clean_phone(value: str | None) -> str | None:
    """Full-width digits become plain ones (NFKC); one space between groups; "+ 84" becomes "+84"."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    if text.startswith("+ "):
        text = "+" + text[2:]
    return text or None


def phone_problem(phone: str) -> str | None:
    """What is wrong with a cleaned phone number, or None: digits, spaces and a leading +, 8 to 15 digits."""
    if not PHONE_CHARACTERS.fullmatch(phone):
        return _("Use only digits, spaces and a + at the start.")
    low, high = PHONE_DIGITS
    if not low <= sum(char.isdigit() for char in phone) <= high:
        return _("A phone number has %(low)s to %(high)s digits.", low=low, high=high)
    return None
