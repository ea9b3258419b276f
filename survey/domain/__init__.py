"""The domain: the rules, the figures, sync, review, imports. It knows nothing of requests or pages.

`search` is imported here so that its listener keeps every store's search key, whoever writes the store.
"""

from survey.domain import search  # noqa: F401
