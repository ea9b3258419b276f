"""The store registry for admins: list, create, edit, close and import stores.

Stores are never deleted: their surveys stay, so a store that shuts is closed as of
a date and drops out of the years after it.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload
from wtforms import DateField, FloatField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from models import STORE_CLASSES, AdminUnit, Store, db
from survey.domain import figures, importing, official_units, policy, registry, search
from survey.domain.figures import unit_and_descendant_ids
from survey.domain.importing import COLUMNS
from survey.domain.policy import STORE_TYPES
from survey.domain.tables import Column, Table
from survey.i18n import local_date
from survey.labels import STORE_TYPE_NAMES
from survey.web import query_args, spreadsheet
from survey.web.auth import role_required
from survey.web.lookups import store_or_404
from survey.web.validators import TranslatedForm, number_range

bp = Blueprint("stores", __name__)

PER_PAGE = 50
MAX_IMPORT_BYTES = 2 * 1024 * 1024
TYPE_LABELS = STORE_TYPE_NAMES
MAX_LENGTHS = registry.MAX_LENGTHS
LAT, LON = registry.COORDINATE_LIMITS["lat"], registry.COORDINATE_LIMITS["lon"]


def today_local() -> date:
    """Today's date in Hưng Yên, whatever the server's time zone."""
    return policy.local_today()


def strip(value):
    """Trim surrounding spaces from text input."""
    return value.strip() if isinstance(value, str) else value


class StoreForm(TranslatedForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=MAX_LENGTHS["name"])])
    type = SelectField(_l("Type"), choices=[SelectChoice(code, TYPE_LABELS.get(code, code)) for code in STORE_TYPES])
    store_class = SelectField(
        _l("Class"), choices=[SelectChoice("", _l("Unclassified"))] + [SelectChoice(code) for code in STORE_CLASSES]
    )
    unit_code = SelectField(_l("Administrative unit"), validators=[DataRequired()])
    legacy_unit_code = SelectField(_l("Unit before 01/07/2025"), validators=[Optional()])
    address = StringField(_l("Address"), filters=[strip], validators=[Length(max=MAX_LENGTHS["address"])])
    chain = StringField(_l("Chain"), filters=[strip], validators=[Length(max=MAX_LENGTHS["chain"])])
    opened_on = DateField(_l("Opened on"), validators=[Optional()])
    closed_on = DateField(_l("Closed on"), validators=[Optional()])
    lat = FloatField(_l("Latitude"), validators=[Optional(), number_range(-LAT, LAT)])
    lon = FloatField(_l("Longitude"), validators=[Optional(), number_range(-LON, LON)])
    submit = SubmitField(_l("Save"))

    def validate_closed_on(self, field) -> None:
        if registry.closes_before_opening(self.opened_on.data, field.data):
            raise ValidationError(_l("The closing date cannot be before the opening date."))

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that latitude and longitude come together."""
        valid = super().validate(extra_validators)
        if not self.lat.errors and not self.lon.errors and registry.half_a_place(self.lat.data, self.lon.data):
            missing = self.lat if self.lat.data is None else self.lon
            missing.errors.append(_("Give both latitude and longitude, or neither."))
            valid = False
        return valid


class NewStoreForm(StoreForm):
    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[
            DataRequired(),
            Length(max=MAX_LENGTHS["code"]),
            Regexp(registry.CODE_PATTERN.pattern + "$", message=_l("Use only letters, digits, - and _.")),
        ],
    )

    def validate_code(self, field) -> None:
        if registry.code_taken(field.data):
            raise ValidationError(_l("A store with this code already exists."))


class CloseForm(TranslatedForm):
    """Close a store as of a date the admin types (no default), in two steps: the date, then a confirmation.

    A POST without the date changes nothing and shows the form with an error; a POST with a
    date but without `confirm` shows what closing would change; only one with both closes.
    """

    closed_on = DateField(_l("Closed as of"), validators=[InputRequired(_l("Enter the date the store closed."))])
    submit = SubmitField(_l("Close the store"))
    confirm = SubmitField(_l("Yes, close the store"))

    def __init__(self, *args, store: Store, **kwargs):
        super().__init__(*args, **kwargs)
        self.store = store

    def validate_closed_on(self, field) -> None:
        if field.data is None:
            return  # not a date: the field's own message says so
        try:
            registry.check_closing(self.store, field.data, today_local())
        except registry.ClosingBeforeOpening:
            opened = local_date(self.store.opened_on)
            message = _("The closing date cannot be before the opening date, %(date)s.", date=opened)
            raise ValidationError(message) from None
        except registry.ClosingTooFarAhead:
            latest = local_date(registry.latest_closing_day(today_local()))
            message = _("The closing date can be at most one year from today, %(date)s.", date=latest)
            raise ValidationError(message) from None


class ImportForm(TranslatedForm):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[
            FileRequired(_l("Choose a CSV or XLSX file.")),
            FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files can be imported.")),
            FileSize(MAX_IMPORT_BYTES, message=_l("The file is larger than 2 MB.")),
        ],
    )
    submit = SubmitField(_l("Import"))


def unit_choices(condition=None) -> list[tuple[str, str]]:
    """Units as (code, label), each under its parent, noting units no longer valid; all, or those matching."""
    query = select(AdminUnit).order_by(AdminUnit.code)
    units = list(db.session.scalars(query if condition is None else query.where(condition)))
    children: dict[int | None, list[AdminUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ids = {unit.id for unit in units}
    roots = [unit for unit in units if unit.parent_id not in ids]
    choices: list[tuple[str, str]] = []

    def walk(unit: AdminUnit, depth: int) -> None:
        label = f"{'— ' * depth}{unit.name} ({unit.code})"
        if unit.valid_to and unit.valid_to < today_local():
            label += " · " + _("until %(date)s", date=local_date(unit.valid_to))
        choices.append((unit.code, label))
        for child in children.get(unit.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return choices


def unit_select_choices(keep: AdminUnit | None = None) -> list[SelectChoice]:
    """The units in force today as options, and the store's own unit should it be abolished."""
    in_force = figures.unit_valid_on_condition(today_local())
    condition = in_force if keep is None else or_(in_force, AdminUnit.id == keep.id)
    return [SelectChoice(code, label) for code, label in unit_choices(condition)]


def legacy_select_choices() -> list[SelectChoice]:
    """The units abolished on 01/07/2025, for a store's unit before the reform (or none)."""
    abolished = AdminUnit.valid_to < official_units.REFORM_DAY
    choices = [SelectChoice(code, label) for code, label in unit_choices(abolished)]
    return [SelectChoice("", _("Not known, or opened after 01/07/2025")), *choices]


def unit_by_code(code: str) -> AdminUnit | None:
    """Find a unit by its code."""
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


def form_values(form: StoreForm) -> dict:
    """The store's fields as the form gives them."""
    values = {name: getattr(form, name).data for name in ("name", "type", "opened_on", "closed_on", "lat", "lon")}
    values["address"] = form.address.data or ""
    values["chain"] = form.chain.data or ""
    values["store_class"] = form.store_class.data or None
    values["unit"] = unit_by_code(form.unit_code.data)
    values["legacy_unit"] = unit_by_code(form.legacy_unit_code.data) if form.legacy_unit_code.data else None
    return values


@bp.get("/stores")
@role_required("admin")
def list_stores():
    """List the stores, with a search, filters by unit and type, and pages of 50."""
    q = request.args.get("q", "").strip()
    unit_code = request.args.get("unit", "").strip()
    store_type = request.args.get("type", "").strip()
    query = select(Store).options(joinedload(Store.unit))
    if q:
        query = query.where(search.store_condition(q))
    if unit_code:
        unit = unit_by_code(unit_code)
        query = query.where(Store.unit_id.in_(unit_and_descendant_ids(unit)) if unit else false())
    if store_type:
        query = query.where(Store.type == store_type)
    query = query.order_by(Store.code)
    page = db.paginate(query, page=query_args.asked_page(), per_page=PER_PAGE, error_out=False)
    if page.page > 1 and not page.items and page.pages:  # past the end: the last page, as an old link expects
        page = db.paginate(query, page=page.pages, per_page=PER_PAGE, error_out=False)
    return render_template(
        "stores/list.html",
        page=page,
        q=q,
        unit_code=unit_code,
        store_type=store_type,
        units=unit_choices(),
        type_labels=TYPE_LABELS,
        open_today=lambda store: policy.store_open_on(store.opened_on, store.closed_on, today_local()),
    )


@bp.route("/stores/new", methods=["GET", "POST"])
@role_required("admin")
def new_store():
    """Show the form for a new store and create it."""
    form = NewStoreForm()
    form.unit_code.choices = [SelectChoice("", _("Choose a unit"))] + unit_select_choices()
    form.legacy_unit_code.choices = legacy_select_choices()
    if form.validate_on_submit():
        store = registry.create_store(form.code.data, form_values(form), current_user._get_current_object())
        flash(_("Store %(code)s created.", code=store.code), "info")
        return redirect(url_for("stores.list_stores"))
    return render_template("stores/form.html", form=form, store=None)


@bp.route("/stores/<code>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_store(code: str):
    """Show the form for an existing store and save it; its code stays as it is."""
    store = store_or_404(code)
    form = StoreForm(
        obj=store, unit_code=store.unit.code, legacy_unit_code=store.legacy_unit.code if store.legacy_unit else ""
    )
    form.unit_code.choices = unit_select_choices(keep=store.unit)
    form.legacy_unit_code.choices = legacy_select_choices()
    if form.validate_on_submit():
        values = form_values(form)
        closing = values["closed_on"]
        if closing is not None and closing != store.closed_on:
            # A new closing date goes through the closing page's confirmation, like the close button.
            values["closed_on"] = store.closed_on
            registry.update_store(store, values, current_user._get_current_object())
            flash(_("Store %(code)s saved. Confirm the closing date below.", code=store.code), "info")
            return redirect(url_for("stores.close_store", code=store.code, closed_on=closing.isoformat()))
        registry.update_store(store, values, current_user._get_current_object())
        flash(_("Store %(code)s saved.", code=store.code), "info")
        return redirect(url_for("stores.list_stores"))
    close_form = CloseForm(formdata=None, store=store, closed_on=store.closed_on)
    return render_template("stores/form.html", form=form, store=store, close_form=close_form)


def asked_date() -> date | None:
    """The date in ?closed_on=, to fill the field again; anything else is ignored."""
    try:
        return date.fromisoformat(request.args.get("closed_on", ""))
    except ValueError:
        return None


def render_close(store: Store, form: CloseForm, confirming: bool = False):
    """The closing page: the date with its errors, or, once the date is valid, what closing changes."""
    closed_on = form.closed_on.data
    return render_template(
        "stores/close.html",
        store=store,
        form=form,
        confirming=confirming,
        latest=registry.latest_closing_day(today_local()),
        later_surveys=registry.surveys_after(store, closed_on) if confirming else 0,
    )


@bp.route("/stores/<code>/close", methods=["GET", "POST"])
@role_required("admin")
def close_store(code: str):
    """Close a store as of a date, after a confirmation; it is kept with its surveys.

    GET shows the date field; the first POST checks the date and shows what closing changes;
    only a POST with the date and `confirm` closes the store.
    """
    store = store_or_404(code)
    if request.method == "GET":  # the date field, filled from "Change the date" or the date in force
        return render_close(store, CloseForm(formdata=None, store=store, closed_on=asked_date() or store.closed_on))
    form = CloseForm(store=store)
    if not form.validate_on_submit():
        return render_close(store, form)
    if not form.confirm.data:
        return render_close(store, form, confirming=True)
    try:
        registry.close_store(store, form.closed_on.data, current_user._get_current_object())
    except (registry.ClosingBeforeOpening, registry.ClosingTooFarAhead):  # the store changed meanwhile
        db.session.rollback()
        form.validate()
        return render_close(store, form)
    flash(_("Store %(code)s closed as of %(date)s.", code=store.code, date=local_date(store.closed_on)), "info")
    return redirect(url_for("stores.list_stores"))


@bp.route("/stores/import", methods=["GET", "POST"])
@role_required("admin")
def import_stores():
    """Upload a CSV or XLSX file of stores and import it all, or nothing with a report per line."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        user = current_user._get_current_object()
        report = importing.import_file("stores", upload.read(), user, filename=upload.filename or "")
        if not report.errors:
            counts = {"created": report.created, "updated": report.updated}
            flash(_("Imported: %(created)s new stores, %(updated)s updated.", **counts), "info")
            return redirect(url_for("stores.list_stores"))
    return render_template(
        "stores/import.html",
        form=form,
        report=report,
        columns=COLUMNS["stores"],
        headers=importing.HEADERS["stores"],
        type_names=importing.TYPE_NAMES,
    )


@bp.get("/stores/template.csv")
@role_required("admin")
def import_template():
    """Download a CSV file with the columns the import expects and one example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS["stores"])
    example = [importing.EXAMPLE_STORE[column] for column in COLUMNS["stores"]]
    # As a person would type it: dates as dd/mm/yyyy, nothing for None.
    writer.writerow(["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in example])
    # The byte-order mark makes Excel open the file as UTF-8, so Vietnamese survives.
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=stores-template.csv"},
    )


@bp.get("/stores/template.xlsx")
@role_required("admin")
def template_xlsx():
    """Download an XLSX workbook with the columns the import expects, headed for people, and one example row."""
    example = importing.EXAMPLE_STORE
    kinds = {date: "date", float: "number"}
    columns = tuple(
        Column(name, importing.HEADERS["stores"][name], kinds.get(type(example[name]), "text"))
        for name in COLUMNS["stores"]
    )
    # A drop-down of the Vietnamese type names and of the classes; other spellings are still accepted.
    types = DataValidation(type="list", formula1='"' + ",".join(n[0] for n in importing.TYPE_NAMES.values()) + '"')
    classes = DataValidation(type="list", formula1='"' + ",".join(STORE_CLASSES) + '"', allow_blank=True)
    for validation, column in ((types, "type"), (classes, "class")):
        letter = get_column_letter(COLUMNS["stores"].index(column) + 1)
        validation.add(f"{letter}2:{letter}{importing.MAX_ROWS + 1}")
    table = Table(columns, [[example[name] for name in COLUMNS["stores"]]])
    return Response(
        spreadsheet.workbook(table, "stores", filters=False, validations=(types, classes)),
        mimetype=spreadsheet.MEDIA_TYPE,
        headers={"Content-Disposition": "attachment; filename=stores-template.xlsx"},
    )
