"""What a poster's stranger can make one self-report cost: three 6300×6300 PNGs of about 116 KB each.

Run: .venv/bin/python bench/photo_bomb.py   (or `make bench`). Prints figures; asserts nothing.
Each case runs in a fresh Python process, through Flask's test client on a SQLite database of its
own: the form is opened, one small report is refused (so every module and plugin is loaded), then
the measured POST is sent. Memory is the growth of the process's peak resident size (ru_maxrss)
during that POST: Pillow decodes into buffers of its own that tracemalloc never sees.

Cases:
- refused: three bomb PNGs with a count that is not a number (a typing mistake);
- bombs: three bomb PNGs with every other field valid;
- one bomb: a single bomb PNG with every other field valid, the most one request may now decode;
- honest: three 12-megapixel (4000×3000) JPEGs with every other field valid, what a manager's
  phone sends from the browser form (nothing shrinks them first), for comparison.
Goal (issue): the refused case under 100 ms and under 50 MB of extra memory.
"""

from __future__ import annotations

import io
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOMB_SIDE = 6300  # 39.7 megapixels, just under photos.MAX_PIXELS
HONEST_SIZE = (4000, 3000)
CASES = {  # the picture, how many of it, the changes to a valid form
    "refused": ("bomb.png", 3, {"pk__checkout__PAPER": "mười hai"}),
    "bombs": ("bomb.png", 3, {}),
    "one bomb": ("bomb.png", 1, {}),
    "honest": ("honest.jpg", 3, {}),
}
PICTURES = ("bomb.png", "honest.jpg")
INPUT = re.compile(r"<input[^>]*>")


def make_pictures(folder: Path) -> None:
    """The pictures, made here (in the parent, whose memory is not measured)."""
    out = io.BytesIO()
    Image.new("RGB", (BOMB_SIDE, BOMB_SIDE), (200, 190, 180)).save(out, "PNG")
    (folder / "bomb.png").write_bytes(out.getvalue())
    # Some sensor noise, so that it weighs what a 12 MP phone photo weighs (2–4 MB).
    noise = Image.effect_noise(HONEST_SIZE, 40).convert("RGB")
    photo = Image.blend(Image.new("RGB", HONEST_SIZE, (200, 190, 180)), noise, 0.1)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90)
    (folder / "honest.jpg").write_bytes(out.getvalue())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux gives KiB


def prepared_app(folder: Path):
    """An app on a fresh SQLite database with one store in a province, and the store's link."""
    from app import create_app
    from models import AdminUnit, Store, db
    from survey.domain import tokens
    from survey.domain.vocabularies import load_vocabularies

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"}, str(folder))
    with app.test_request_context("/"):
        db.create_all()
        load_vocabularies()
        province = AdminUnit(code="B", name="Tỉnh", level="province")
        store = Store(code="B-1", name="Siêu thị", type="supermarket", address="", unit=province)
        db.session.add_all([province, store])
        db.session.commit()
        token = tokens.token_for(tokens.active_link(store, None).nonce)
    return app, token


def form_of(client, url: str) -> dict:
    """The form's inputs as a browser sends them, with the checkout counted."""
    fields = {}
    for tag in INPUT.findall(client.get(url).get_data(as_text=True)):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="submit"' not in tag and 'type="checkbox"' not in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields | {"pk__checkout__PAPER": "12", "pk__checkout__PE_BAG": "3"}


def post(client, url: str, fields: dict, files: list[bytes]):
    """The form with its photos, encoded in memory as a browser sends it."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    values = MultiDict(fields)
    for number, (name, raw) in enumerate(files, start=1):
        kind = "image/png" if name.endswith(".png") else "image/jpeg"
        values.add(f"photo_{number}", FileStorage(io.BytesIO(raw), filename=name, content_type=kind))
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def run_case(case: str, folder: Path) -> dict:
    """In this (fresh) process: warm up, then time one POST and the growth of the peak RSS."""
    picture, count, changes = CASES[case]
    raw = (folder / picture).read_bytes()
    app, token = prepared_app(folder)
    client, url = app.test_client(), f"/r/{token}"
    small = io.BytesIO()
    Image.new("RGB", (64, 64)).save(small, "PNG")
    post(client, url, form_of(client, url) | {"pk__checkout__PAPER": "x"}, [("small.png", small.getvalue())])  # warm-up
    fields = form_of(client, url) | changes
    before = peak_rss_mb()
    start = time.perf_counter()
    response = post(client, url, fields, [(picture, raw)] * count)
    seconds = time.perf_counter() - start
    return {"ms": seconds * 1000, "mb": peak_rss_mb() - before, "status": response.status_code, "bytes": len(raw)}


def measure(case: str, folder: Path) -> dict:
    """Run one case in a fresh interpreter, so no earlier case's peak hides this one's."""
    work = folder / case.replace(" ", "-")
    work.mkdir()
    for name in PICTURES:
        (work / name).write_bytes((folder / name).read_bytes())
    done = subprocess.run(
        [sys.executable, __file__, "--case", case, str(work)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        make_pictures(folder)
        results = {case: measure(case, folder) for case in CASES}
    bomb = results["bombs"]["bytes"]
    print(f"A self-report with three {BOMB_SIDE}×{BOMB_SIDE} PNGs of {bomb / 1024:.0f} KB each, a fresh process a case")
    labels = {
        "refused": "refused (a count is not a number)",
        "bombs": "every other field valid",
        "one bomb": "one of them alone, every other field valid",
        "honest": f"three {HONEST_SIZE[0]}×{HONEST_SIZE[1]} JPEGs of {results['honest']['bytes'] / 1e6:.1f} MB, valid",
    }
    for case, label in labels.items():
        figures = results[case]
        print(f"  {label:<42} {figures['ms']:8.0f} ms  {figures['mb']:7.1f} MB more peak RSS  → {figures['status']}")
    print("  goal for the refused case: under 100 ms and under 50 MB")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        print(json.dumps(run_case(sys.argv[2], Path(sys.argv[3]))))
    else:
        main()
