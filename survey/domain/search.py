"""Search that finds what people type: without accents, in any case, on SQLite and PostgreSQL alike.

SQLite's LIKE folds only ASCII letters, and neither database drops Vietnamese accents,
so each store keeps a folded copy of its code, name and address (`Store.search_key`) and
a search folds its words the same way.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import and_, event

from models import Store


def fold(text: str | None) -> str:
    """Lower case without diacritics: "Phố Hiến" → "pho hien", "Đông" → "dong"."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def store_key(store: Store) -> str:
    """The folded text a store is found by."""
    return fold(" ".join(part for part in (store.code, store.name, store.address or "") if part))[:600]


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def store_condition(query: str):
    """SQL that keeps stores whose folded text contains every word of the query."""
    words = fold(query).split()
    return and_(*(Store.search_key.like(f"%{escape_like(word)}%", escape="\\") for word in words))


def keep_search_key(_mapper, _connection, store: Store) -> None:
    """Refresh the folded text whenever a store is written, by any channel."""
    store.search_key = store_key(store)


def keep_search_keys() -> None:
    """Have every store written from now on, by any channel, keep its search key (the factory calls it once)."""
    for moment in ("before_insert", "before_update"):
        if not event.contains(Store, moment, keep_search_key):
            event.listen(Store, moment, keep_search_key)
