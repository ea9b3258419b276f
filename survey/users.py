"""User management for admins: list, create, change role, deactivate, reset password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from models import ROLES, User, db
from survey.auth import role_required

bp = Blueprint("users", __name__)

MIN_PASSWORD_LENGTH = 10
# The log-in form accepts passwords up to 200 characters; never set one it would refuse.
MAX_PASSWORD_LENGTH = 200
ROLE_LABELS = {
    "inspector": _l("Inspector"),
    "reviewer": _l("Reviewer"),
    "admin": _l("Administrator"),
}


def strip(value: str | None) -> str | None:
    """Drop surrounding spaces, which a user would not see when typing a name."""
    return value.strip() if isinstance(value, str) else value


def password_validators(required: bool) -> list:
    """Check a new password's length; on the edit form a blank one means unchanged."""
    first = DataRequired() if required else Optional(strip_whitespace=False)
    message = _l("Use at least %(min)d characters.", min=MIN_PASSWORD_LENGTH)
    return [first, Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=message)]


def role_field() -> SelectField:
    return SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES])


def confirm_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"), validators=[EqualTo("password", message=_l("The passwords do not match."))]
    )


class NewUserForm(FlaskForm):
    # ASCII only: the log-in compares names exactly, and accented letters can be typed
    # in two Unicode forms that look the same but would not match.
    username = StringField(
        _l("Username"),
        filters=[strip],
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(
                r"^[A-Za-z0-9._-]+\Z",
                message=_l("Use only letters without accents, digits, dots, hyphens and underscores."),
            ),
        ],
    )
    role = role_field()
    password = PasswordField(_l("Password"), validators=password_validators(required=True))
    confirm = confirm_field()
    submit = SubmitField(_l("Create user"))

    def validate_username(self, field: StringField) -> None:
        """Refuse a name already taken, whatever its capitals, so no two log-ins look alike."""
        taken = db.session.scalar(select(User.id).where(func.lower(User.username) == field.data.lower()))
        if taken is not None:
            raise ValidationError(_("This username is already taken."))


class EditUserForm(FlaskForm):
    role = role_field()
    active = BooleanField(_l("Active (can log in)"))
    password = PasswordField(_l("New password"), validators=password_validators(required=False))
    confirm = confirm_field()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, editing_self: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing_self = editing_self

    # An admin can only lock out others, so there is always an admin left who can undo it.
    def validate_role(self, field: SelectField) -> None:
        if self.editing_self and field.data != "admin":
            raise ValidationError(_("You cannot remove your own admin role."))

    def validate_active(self, field: BooleanField) -> None:
        if self.editing_self and not field.data:
            raise ValidationError(_("You cannot deactivate your own account."))


@bp.route("/users")
@role_required("admin")
def list_users():
    """List every user with their role and whether they can log in."""
    users = db.session.scalars(select(User).order_by(func.lower(User.username))).all()
    return render_template("users/list.html", users=users, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    """Create a user with a role and an initial password."""
    form = NewUserForm()
    if form.validate_on_submit():
        user = User(username=form.username.data, role=form.role.data, active=True)
        user.set_password(form.password.data)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:  # the same name was taken by a request that ran alongside
            db.session.rollback()
            form.username.errors.append(_("This username is already taken."))
        else:
            flash(_("User %(name)s was created.", name=user.username), "info")
            return redirect(url_for("users.list_users"))
    return render_template("users/new.html", form=form, min_password=MIN_PASSWORD_LENGTH)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    """Change a user's role or active flag, or set a new password (blank keeps the old one)."""
    user = db.get_or_404(User, user_id)
    editing_self = user.id == current_user.id
    form = EditUserForm(obj=user, editing_self=editing_self)
    if form.validate_on_submit():
        user.role = form.role.data
        user.active = form.active.data
        if form.password.data:
            user.set_password(form.password.data)
        db.session.commit()
        flash(_("User %(name)s was updated.", name=user.username), "info")
        return redirect(url_for("users.list_users"))
    return render_template(
        "users/edit.html", form=form, user=user, editing_self=editing_self, min_password=MIN_PASSWORD_LENGTH
    )
