"""User accounts: the username and password rules, and creating or resetting a user.

Both the admin pages and the `create-user` command go through here, so a name one
refuses the other refuses too.
"""

from __future__ import annotations

import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import ROLES, AdminUnit, User, db
from survey.domain import audit
from survey.domain.provinces import places, tenancy

# ASCII only: the log-in compares names exactly, and accented letters can be typed in
# two Unicode forms that look the same but would not match.
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
MAX_USERNAME_LENGTH = 80
MIN_PASSWORD_LENGTH = 10
# The log-in form accepts passwords up to 200 characters; never set one it would refuse.
MAX_PASSWORD_LENGTH = 200


def username_problem(username: str) -> str | None:
    """Say what is wrong with a new username, or None when it is fine."""
    if not username:
        return str(_l("Enter a username."))
    if len(username) > MAX_USERNAME_LENGTH:
        return str(_l("Use at most %(max)d characters.", max=MAX_USERNAME_LENGTH))
    if not USERNAME_PATTERN.fullmatch(username):
        return str(_l("Use only letters without accents, digits, dots, hyphens and underscores."))
    return None


def password_problem(password: str) -> str | None:
    """Say what is wrong with a new password, or None when it is fine."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return str(_l("Use at least %(min)d characters.", min=MIN_PASSWORD_LENGTH))
    return None


def find_user(username: str) -> User | None:
    """The user with this name, whatever its capitals, so that no two log-ins look alike."""
    # Names are unique across provinces, so the look-up reads them all (docs/provinces.md).
    query = select(User).where(func.lower(User.username) == username.lower())
    return db.session.scalar(query.execution_options(**tenancy.ALL_PROVINCES))


def create_user(username: str, role: str, password: str, actor: User | None, province: AdminUnit | None = None) -> User:
    """Create an active user with a role and a password, audited (not committed).

    The user belongs to the province given, else to the one the session works in (an admin's own),
    else to the deployment's only province; a Ministry user to none."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = User(username=username, role=role, active=True)
    if role != "ministry":
        province = province or (None if tenancy.current_province() else places.only_province())
        user.province_id = province.id if province is not None else tenancy.current_province()
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user_create", audit.user_target(user), "", audit.user_summary(user))
    return user


def update_user(user: User, role: str, active: bool, password: str | None, actor: User | None) -> None:
    """Change a user's role, active flag and, when given, password; audited (not committed).

    Any such change ends every session and remember cookie of the user: whoever holds an old
    one logs in again, under the new role or password, or not at all.
    """
    before = audit.user_summary(user)
    user.role, user.active = role, active
    if password:
        user.set_password(password)
    after = audit.user_summary(user, password_reset=bool(password))
    if after != before:
        end_sessions(user)
        audit.record(actor, "user_update", audit.user_target(user), before, after)


def move_user(user: User, province: AdminUnit | None) -> None:
    """Put a user in another province (the command line's; a Ministry user in none): their sessions end."""
    province_id = province.id if province is not None and user.role != "ministry" else None
    if user.province_id != province_id:
        user.province_id = province_id
        end_sessions(user)


def end_sessions(user: User) -> None:
    """End every session and remember cookie of the user (they carry the old generation)."""
    user.session_generation = (user.session_generation or 0) + 1


def session_user(session_id: str) -> User | None:
    """The user a session or remember cookie names, if it is still of the user's current generation."""
    parts = session_id.split(":")
    if len(parts) not in (2, 3) or not all(part.isascii() and part.isdigit() for part in parts[:2]):
        return None  # the old form of id, or a forged one: log in again
    user = db.session.get(User, int(parts[0]))
    if user is None or user.session_generation != int(parts[1]) or not user.active:
        return None
    return user


# Checked when the name is unknown, so that an unknown name costs as much time as a known one.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def login_key(username: str) -> str:
    """The account a log-in names, as authenticate reads it: "REV2 " and "rev2" are one account.

    The failed log-ins are counted under this key. A name longer than any account's is cut to one
    character more, so it stays apart from every real name and never makes a long key."""
    return username.strip().lower()[: MAX_USERNAME_LENGTH + 1]


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, with the same work whether the name exists or not."""
    user = find_user(login_key(username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user
