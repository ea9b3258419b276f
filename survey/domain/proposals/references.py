"""What the sync needs of the store proposals a batch's surveys name (docs/store-proposals.md).

A survey may name a proposal instead of a store: one the same inspector sent before. While the
proposal waits (or once rejected) the survey has no store and counts nowhere; once an admin made it a
store, or merged it into one, a survey sent later goes to that store at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from models import StoreProposal, User, db
from survey.domain import store_years


@dataclass(frozen=True)
class ProposalRef:
    inspector_id: int
    store_id: int | None  # the store it became or was merged into; None while waiting or once rejected


def read_for_batch(ids: set[uuid.UUID]) -> dict[uuid.UUID, ProposalRef]:
    """The proposals a batch names, read so that no decision slips in between reading and writing.

    A decision moves the proposal's stored surveys to its store; a survey written after that must
    read the decision, and one written before must be there for the decision to move. So the batch
    takes its turn first: SQLite's write lock (store_years.lock_stores takes it whatever the stores),
    PostgreSQL's share lock on the proposals' rows, which a decision's update lock waits for.
    """
    if not ids:
        return {}
    store_years.lock_stores(())
    query = (
        select(StoreProposal.id, StoreProposal.inspector_id, StoreProposal.store_id)
        .where(StoreProposal.id.in_(ids))
        .with_for_update(read=True)
    )
    return {row.id: ProposalRef(row.inspector_id, row.store_id) for row in db.session.execute(query)}


def proposal_store(
    proposal_id: uuid.UUID, refs: dict[uuid.UUID, ProposalRef], sender: User | None
) -> tuple[int | None, dict[str, str]]:
    """The store a survey of this proposal belongs to (None while it waits), or the error that refuses it:
    only a proposal the sender sent is theirs to survey."""
    ref = refs.get(proposal_id)
    if ref is None or sender is None or ref.inspector_id != sender.id:
        return None, {"store_proposal": _("You have sent no store proposal with this id: send the proposal first.")}
    return ref.store_id, {}
