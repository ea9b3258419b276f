"""The messages of the phone's parts that are loaded on demand: the checkout tally, the products and
their scanner.

The shell's own messages are written into its page (templates/offline_app.html) and count against its
100 KB budget; these are served as /app/more-messages.json in the page's language, precached by the
service worker for each language, and read by static/js/more-messages.js when a part first opens.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ON_DEMAND = {
}


def on_demand() -> dict:
    """The messages in the current language; a list stays a list."""
    return {key: [str(v) for v in value] if isinstance(value, list) else str(value) for key, value in ON_DEMAND.items()}
