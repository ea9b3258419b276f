"""Storing a store proposal from the phone: once, however often it is sent (docs/store-proposals.md).

The phone makes the proposal's id when the inspector starts it, so a retry sends the same id again:
the same content is a harmless `duplicate`, other content under the id a `conflict`, as for surveys.
"""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from models import AdminUnit, StoreProposal, User, db, utcnow
from survey.domain import review, store_years
from survey.domain.proposals.payloads import ProposalIn, content_hash
from survey.domain.provinces.tenancy import ALL_PROVINCES


class ProposalRefused(ValueError):
    """A proposal whose shape is right but which names what does not exist; `fields` says what."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in fields.items()))
        self.fields = fields


def repeat_status(stored: StoreProposal, sent_hash: str) -> str:
    return "duplicate" if stored.content_hash == sent_hash else "conflict"


def stored_under(proposal_id: uuid.UUID, *, fresh: bool = False) -> StoreProposal | None:
    """The proposal stored under an id, in whichever province: an id is unique across them all, so
    another province's is a conflict too (the answer names no content of it)."""
    return db.session.get(StoreProposal, proposal_id, populate_existing=fresh, execution_options=ALL_PROVINCES)


def receive(proposal: ProposalIn, inspector: User) -> tuple[str, StoreProposal]:
    """Store a proposal (committed): "created", or, for an id already stored, "duplicate" or "conflict"
    with the stored one. Raises ProposalRefused, storing nothing, for an unknown unit."""
    sent_hash = content_hash(proposal)
    proposal_id = uuid.UUID(proposal.id)
    if (stored := stored_under(proposal_id)) is not None:
        return repeat_status(stored, sent_hash), stored
    unit = None
    if proposal.unit_code is not None:
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == proposal.unit_code))
        if unit is None:
            raise ProposalRefused({"unit_code": _("Unknown administrative unit.")})
    location = proposal.location
    row = StoreProposal(
        id=proposal_id,
        name=proposal.name,
        type=proposal.type,
        address=proposal.address,
        unit=unit,
        lat=location.lat if location else None,
        lon=location.lon if location else None,
        accuracy_m=location.accuracy_m if location else None,
        inspector_id=inspector.id,
        received_at=utcnow(),
        content_hash=sent_hash,
        status="waiting",
        comment="",
    )
    # SQLite: the write lock first, so that the savepoint nests in a transaction and a twin sent at the
    # same moment waits for this one; PostgreSQL: the primary key refuses the loser, answered below.
    store_years.lock_stores(())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same id stored meanwhile by another request: its twin, or a conflict
        stored = stored_under(proposal_id, fresh=True)
        return repeat_status(stored, sent_hash), stored
    db.session.commit()
    return "created", row


def waiting() -> list[StoreProposal]:
    """The proposals an admin has still to decide, the oldest first."""
    query = (
        select(StoreProposal)
        .options(joinedload(StoreProposal.unit), joinedload(StoreProposal.inspector))
        .where(StoreProposal.status == "waiting")
        .order_by(StoreProposal.received_at, StoreProposal.id)
    )
    return list(db.session.scalars(query))


def proposal_as_dict(proposal: StoreProposal) -> dict:
    """A waiting proposal as GET /api/v1/store-proposals lists it."""
    location = None
    if proposal.lat is not None and proposal.lon is not None:
        location = {"lat": proposal.lat, "lon": proposal.lon, "accuracy_m": proposal.accuracy_m}
    return {
        "id": str(proposal.id),
        "name": proposal.name,
        "type": proposal.type,
        "address": proposal.address,
        "unit_code": proposal.unit.code if proposal.unit else None,
        "location": location,
        "inspector": proposal.inspector.username,
        "received_at": review.utc_iso(proposal.received_at),
    }
