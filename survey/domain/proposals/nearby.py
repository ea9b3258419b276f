"""The registered stores an admin should look at before deciding a proposal: the same shop may be in the
registry already, under the same name, or at the same place under another name."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import Store, StoreProposal, db
from survey.domain import policy, search

NEARBY_M = 300  # a shop front seen from a registered store's door: the same place, or next door
# Words that say what kind of shop it is, not which one: "Siêu thị Minh Anh" and "Cửa hàng Minh Anh"
# name the same shop. Folded (search.fold), as the names are compared.
KIND_WORDS = frozenset(
    "sieu thi trung tam thuong mai cua hang tien loi cho tttm ch st mart supermarket store shop".split()
)


@dataclass(frozen=True)
class NearbyStore:
    store: Store
    distance_m: int | None  # from the place the inspector recorded; None when either place is unknown
    same_name: bool


def name_words(name: str) -> frozenset[str]:
    """The words that tell a shop apart, folded: no accents, no case, no words of its kind."""
    return frozenset(search.fold(name).replace(".", " ").replace(",", " ").split()) - KIND_WORDS


def same_name(proposal_words: frozenset[str], store_name: str) -> bool:
    """One name holds every distinguishing word of the other ("Minh Anh" and "Minh Anh Phố Hiến")."""
    words = name_words(store_name)
    return bool(proposal_words and words) and (proposal_words <= words or words <= proposal_words)


def nearby_stores(proposals: list[StoreProposal], limit: int = 20) -> dict[uuid.UUID, list[NearbyStore]]:
    """For each proposal, the registered stores within NEARBY_M of its place or with the same name, the
    nearest first. Names are compared in Python over every store's name, read once for all the proposals:
    a province registers a few thousand stores."""
    stores = list(db.session.scalars(select(Store).options(joinedload(Store.unit)).order_by(Store.code)))
    return {proposal.id: nearby_one(proposal, stores)[:limit] for proposal in proposals}


def nearby_one(proposal: StoreProposal, stores: list[Store]) -> list[NearbyStore]:
    words = name_words(proposal.name)
    has_place = proposal.lat is not None and proposal.lon is not None
    found = []
    for store in stores:
        distance = None
        if has_place and store.lat is not None and store.lon is not None:
            distance = policy.distance_m(proposal.lat, proposal.lon, store.lat, store.lon)
        named = same_name(words, store.name)
        if named or (distance is not None and distance <= NEARBY_M):
            found.append(NearbyStore(store, distance, named))
    return sorted(found, key=lambda item: (item.distance_m is None, item.distance_m or 0))
