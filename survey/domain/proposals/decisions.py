"""An admin's decision on a store proposal: a new store, the same as a registered store, or no store.

After `create` or `merge` the proposal's surveys belong to the store and count by the usual rules
(the store-year table is brought up to date in the same transaction); after `reject` they never
count. A proposal is decided once: a second decision, however it races with the first, is refused.
Each decision is audited. docs/store-proposals.md tells the story.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from models import AdminUnit, Store, StoreProposal, Survey, User, db, utcnow
from survey.domain import audit, policy, registry, review, store_years
from survey.domain.proposals.payloads import DecisionIn

STATUS_OF_ACTION = {"create": "created", "merge": "merged", "reject": "rejected"}


class AlreadyDecided(Exception):
    """The proposal was decided before; nothing changed."""


class DecisionRefused(ValueError):
    """A decision that cannot be made as asked; `fields` says which field is at fault and why."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class Decided:
    proposal: StoreProposal
    store: Store | None
    surveys: int  # how many surveys the proposal had, now the store's (or, rejected, no store's)


def proposal_target(proposal: StoreProposal) -> str:
    return f"proposal:{proposal.id}"


def take_turn(proposal: StoreProposal) -> StoreProposal:
    """The proposal as it stands once this decision has its turn: SQLite's write lock (taken by
    store_years.lock_stores whatever the stores), PostgreSQL's update lock on the proposal's row, for
    which a sync naming the proposal waits (references.read_for_batch), and a second decision too."""
    store_years.lock_stores(())
    query = select(StoreProposal).where(StoreProposal.id == proposal.id).with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()


def decide(proposal: StoreProposal, decision: DecisionIn, actor: User) -> Decided:
    """Make the decision (committed), or raise AlreadyDecided or DecisionRefused, changing nothing."""
    proposal = take_turn(proposal)
    if proposal.status != "waiting":
        db.session.rollback()
        raise AlreadyDecided(proposal.status)
    try:
        store = {"create": new_store, "merge": registered_store, "reject": no_store}[decision.action](
            proposal, decision, actor
        )
    except DecisionRefused:
        db.session.rollback()
        raise
    proposal.status = STATUS_OF_ACTION[decision.action]
    proposal.store = store
    proposal.decided_by_id, proposal.decided_at = actor.id, utcnow()
    proposal.comment = decision.comment
    surveys = move_surveys(proposal, store)
    store_code = store.code if store else ""
    audit.record(actor, f"proposal_{decision.action}", proposal_target(proposal), "", store_code, decision.comment)
    db.session.commit()
    return Decided(proposal, store, surveys)


def new_store(proposal: StoreProposal, decision: DecisionIn, actor: User) -> Store:
    """A store made from the proposal, under a new code, by the registry's rules (registry.add_store).

    It takes the place the inspector recorded when that was accurate enough to place a store from a
    visit (policy.STORE_PLACE_ACCURACY_M), as an admin may confirm on a survey's page."""
    problems = {}
    code = decision.code or ""
    if not code:
        problems["code"] = _("This field is required.")
    elif not registry.CODE_PATTERN.fullmatch(code):
        problems["code"] = _("Use only letters, digits, - and _.")
    elif registry.code_taken(code):
        problems["code"] = _("A store with this code already exists.")
    unit_code = decision.unit_code or (proposal.unit.code if proposal.unit else None)
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == unit_code)) if unit_code else None
    if unit is None:
        problems["unit_code"] = _("Unknown administrative unit.") if unit_code else _("This field is required.")
    if problems:
        raise DecisionRefused(problems)
    accurate = proposal.accuracy_m is not None and proposal.accuracy_m <= policy.STORE_PLACE_ACCURACY_M
    values = {"name": proposal.name, "type": proposal.type, "address": proposal.address, "unit": unit}
    if accurate and proposal.lat is not None and proposal.lon is not None:
        values |= {"lat": proposal.lat, "lon": proposal.lon}
    return registry.add_store(code, values, actor)


def registered_store(proposal: StoreProposal, decision: DecisionIn, actor: User) -> Store:
    """The registered store the proposal is the same as: it must be open (a closed store takes no visits)."""
    code = decision.store_code or ""
    store = db.session.scalar(select(Store).where(func.lower(Store.code) == code.lower())) if code else None
    if store is None:
        raise DecisionRefused({"store_code": _("Unknown store.") if code else _("This field is required.")})
    if store.closed_on is not None and store.closed_on < policy.local_today():
        closed = _("This store is closed: a proposal can only be merged into an open store.")
        raise DecisionRefused({"store_code": closed})
    store_years.lock_stores([store.id])
    return store


def no_store(proposal: StoreProposal, decision: DecisionIn, actor: User) -> None:
    """A rejection: the inspector is told why, as a survey sent back is."""
    if not decision.comment:
        raise DecisionRefused({"comment": review.reason_required_message()})
    return None


def move_surveys(proposal: StoreProposal, store: Store | None) -> int:
    """Give the proposal's surveys its store, and work out again the store-years they now weigh in;
    return how many there are."""
    of_proposal = Survey.store_proposal_id == proposal.id
    years = set(db.session.scalars(select(Survey.visit_year).where(of_proposal).distinct()))
    count = db.session.scalar(select(func.count()).select_from(Survey).where(of_proposal))
    if store is not None and count:
        statement = update(Survey).where(of_proposal).values(store_id=store.id)
        db.session.execute(statement.execution_options(synchronize_session=False))
        store_years.refresh({(store.id, year) for year in years})
    return count
