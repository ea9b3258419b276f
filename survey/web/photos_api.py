"""Photos over the JSON API: PUT one picture at a time after its survey, GET it back (docs/photos.md)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from models import PROVINCE_ROLES
from survey.domain import photos
from survey.web.auth import role_required
from survey.web.errors import json_error

bp = Blueprint("photos_api", __name__)
# The body may be larger than the app's default limit, which is set for JSON batches.
UPLOAD_LIMIT = photos.MAX_BYTES
STATUS = {"created": 201, "duplicate": 200}


@bp.put("/api/v1/photos/<photo_id>")
@role_required("inspector")
def put_photo(photo_id: str):
    """Keep the picture of a photo one of the sender's surveys lists."""
    photo = photos.listed_for(photo_id, current_user._get_current_object())
    if photo is None:
        return json_error(404, "not_found", "None of your surveys lists this photo: send its survey first.")
    if request.mimetype not in photos.FORMATS.values():
        return json_error(415, "not_an_image", "Send the photo as image/jpeg, image/png or image/webp.")
    raw = request.get_data(cache=False)  # over UPLOAD_LIMIT, werkzeug answers 413 here
    try:
        status = photos.receive(photo, raw)
    except photos.PhotoRefused as refusal:
        return json_error(413 if refusal.code == "too_large" else 415, refusal.code, str(refusal))
    if status == "conflict":
        return json_error(409, "conflict", "This photo id already holds a different picture.")
    return {"id": str(photo.id), "status": status}, STATUS[status]


@bp.get("/api/v1/photos/<photo_id>")
@role_required(*PROVINCE_ROLES)
def get_photo(photo_id: str):
    """The kept JPEG (or ?size=thumb), to reviewers, admins and the inspector who sent it."""
    photo = photos.find(photo_id)
    if photo is None:
        abort(404)
    if not photos.may_see(photo, current_user):
        abort(403)
    data = photos.picture(photo, thumb=request.args.get("size") == "thumb")
    if data is None:
        return json_error(404, "not_received", "This photo has not arrived yet.")
    return Response(data, mimetype="image/jpeg")  # no-store, as every private answer (auth.add_security_headers)
