"""User management for admins: list, create, change role, deactivate, reset password.

Deactivating is its own action, never a side effect of saving the edit form: a page says that
every session of the user ends, and only a POST with the box "I confirm" ticked does it.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Optional, ValidationError

from models import PROVINCE_ROLES, User, db
from survey.domain import accounts
from survey.labels import ROLE_LABELS
from survey.web.auth import role_required
from survey.web.query_args import ID
from survey.web.validators import TranslatedForm

bp = Blueprint("users", __name__)

MIN_PASSWORD_LENGTH = accounts.MIN_PASSWORD_LENGTH


def strip(value: str | None) -> str | None:
    """Drop surrounding spaces, which a user would not see when typing a name."""
    return value.strip() if isinstance(value, str) else value


def password_validators(required: bool) -> list:
    """Check a new password's length; on the edit form a blank one means unchanged."""
    first = DataRequired() if required else Optional(strip_whitespace=False)
    return [first, checked_by(accounts.password_problem)]


def checked_by(problem):
    """A WTForms validator that asks a domain rule what is wrong with the field."""

    def check(form, field) -> None:
        if field.data and (message := problem(field.data)):
            raise ValidationError(message)

    return check


def role_field(*validators) -> SelectField:
    return SelectField(
        _l("Role"),
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in PROVINCE_ROLES],
        validators=list(validators),
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"), validators=[EqualTo("password", message=_l("The passwords do not match."))]
    )


class NewUserForm(TranslatedForm):
    username = StringField(
        _l("Username"), filters=[strip], validators=[DataRequired(), checked_by(accounts.username_problem)]
    )
    role = role_field()
    password = PasswordField(_l("Password"), validators=password_validators(required=True))
    confirm = confirm_field()
    submit = SubmitField(_l("Create user"))

    def validate_username(self, field: StringField) -> None:
        """Refuse a name already taken, whatever its capitals, so no two log-ins look alike."""
        if accounts.find_user(field.data) is not None:
            raise ValidationError(_("This username is already taken."))


class EditUserForm(TranslatedForm):
    """A user's role and password; whether they can log in is changed apart (DeactivateForm, ActivateForm).

    The role must be sent: a POST with only a CSRF token changes nothing and shows the form again.
    """

    role = role_field(InputRequired())
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


class DeactivateForm(TranslatedForm):
    """Deactivate a user: only with the confirmation ticked."""

    confirm = BooleanField(
        _l("I confirm deactivating this account"),
        validators=[DataRequired(_l("Tick this box to deactivate the account."))],
    )
    submit = SubmitField(_l("Deactivate the account"))


class ActivateForm(TranslatedForm):
    """Let a deactivated user log in again: only by its button (its name is sent only when pressed)."""

    activate = SubmitField(_l("Reactivate the account"))


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
        try:
            user = accounts.create_user(form.username.data, form.role.data, form.password.data, current_user)
            db.session.commit()
        except IntegrityError:  # the same name was taken by a request that ran alongside
            db.session.rollback()
            form.username.errors.append(_("This username is already taken."))
        else:
            flash(_("User %(name)s was created.", name=user.username), "info")
            return redirect(url_for("users.list_users"))
    return render_template("users/new.html", form=form, min_password=MIN_PASSWORD_LENGTH)


def render_edit(user: User, form: EditUserForm, status: int = 200, activate_form: ActivateForm | None = None):
    return (
        render_template(
            "users/edit.html",
            form=form,
            user=user,
            editing_self=user.id == current_user.id,
            min_password=MIN_PASSWORD_LENGTH,
            activate_form=activate_form or ActivateForm(formdata=None),
        ),
        status,
    )


@bp.route(f"/users/<{ID}:user_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    """Change a user's role, or set a new password (blank keeps the old one); it never deactivates."""
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user, editing_self=user.id == current_user.id)
    if form.validate_on_submit():
        accounts.update_user(user, form.role.data, user.active, form.password.data, current_user)
        db.session.commit()
        flash(_("User %(name)s was updated.", name=user.username), "info")
        return redirect(url_for("users.list_users"))
    return render_edit(user, form)


@bp.route(f"/users/<{ID}:user_id>/deactivate", methods=["GET", "POST"])
@role_required("admin")
def deactivate_user(user_id: int):
    """Ask to confirm, saying that the user's sessions end; deactivate only when the box is ticked."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("users.edit_user", user_id=user.id))
    if not user.active:
        flash(_("User %(name)s is already deactivated.", name=user.username), "info")
        return redirect(url_for("users.edit_user", user_id=user.id))
    form = DeactivateForm()
    if form.validate_on_submit():
        accounts.update_user(user, user.role, False, None, current_user)  # ends every session of the user
        db.session.commit()
        flash(_("User %(name)s was deactivated and logged out everywhere.", name=user.username), "info")
        return redirect(url_for("users.list_users"))
    return render_template("users/deactivate.html", form=form, user=user)


@bp.post(f"/users/<{ID}:user_id>/activate")
@role_required("admin")
def activate_user(user_id: int):
    """Let a deactivated user log in again (with their password as it was)."""
    user = db.get_or_404(User, user_id)
    form = ActivateForm()
    if not (form.validate_on_submit() and form.activate.data):
        edit_form = EditUserForm(formdata=None, obj=user, editing_self=user.id == current_user.id)
        form.activate.errors = [_("Press the button to let this user log in again.")]
        return render_edit(user, edit_form, 200, form)
    if not user.active:
        accounts.update_user(user, user.role, True, None, current_user)
        db.session.commit()
    flash(_("User %(name)s can log in again.", name=user.username), "info")
    return redirect(url_for("users.list_users"))
