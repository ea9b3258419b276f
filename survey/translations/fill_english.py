"""Fill the English catalogue: the msgids are English, so each msgstr is its msgid.

Run by `make extract-messages` after `pybabel update`; the Vietnamese catalogue is translated by hand.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PATH = Path(__file__).parent / "en" / "LC_MESSAGES" / "messages.po"

with open(PATH, "rb") as handle:
    catalogue = read_po(handle, locale="en")
for message in catalogue:
    if message.id:
        message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
        message.flags.discard("fuzzy")
with open(PATH, "wb") as handle:
    write_po(handle, catalogue, width=120)
