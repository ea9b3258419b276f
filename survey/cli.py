"""The command line: `flask --app app <command>` (docs/architecture.md lists the commands)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from models import ROLES, AdminUnit, Store, db
from survey.domain import (
    accounts,
    backup,
    conversion,
    demo,
    importing,
    official_units,
    photos,
    planner_statistics,
    store_years,
)
from survey.domain.provinces import moving, places, tenancy
from survey.domain.vocabularies import load_vocabularies


def fail(message: str) -> None:
    """Print an error to stderr and exit non-zero."""
    click.echo(f"Lỗi / Error: {message}", err=True)
    sys.exit(1)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the schema and load the vocabularies (safe to run twice)."""
    upgrade()
    load_vocabularies()
    move_to_provinces()
    if store_years.needs_building():
        # A database upgraded from before the store-year table: fill it once from the surveys.
        total, _changed = store_years.rebuild()
        click.echo(f"Đã lập bảng tình trạng cửa hàng theo năm / Store-year table built: {total} rows")
        db.session.commit()
    planner_statistics.gather()
    click.echo("Cơ sở dữ liệu đã sẵn sàng. / Database is ready.")


def move_to_provinces() -> None:
    """Give every row of a database from before provinces its province (docs/provinces.md)."""
    try:
        moved = moving.move_over()
    except moving.NoProvince:
        db.session.rollback()
        fail(
            "cơ sở dữ liệu chưa có tỉnh nào: hãy chạy `import-units --official MÃ_TỈNH` trước, rồi chạy lại init-db / "
            "the database holds no province: run `import-units --official PROVINCE_CODE` first, then init-db again"
        )
    db.session.commit()
    if moved.total and moved.province is not None:
        click.echo(f"Đã gán {moved.total} dòng cho / {moved.total} rows assigned to: {moved.province.name}")
    elif moved.total:
        click.echo(
            f"Đã gán tỉnh cho {moved.total} dòng theo đơn vị / {moved.total} rows given the province of their unit"
        )


@click.command("rebuild-store-years")
@with_appcontext
def rebuild_store_years_command() -> None:
    """Work out each store's status per year again from the surveys, and say what had drifted."""
    total, changed = store_years.rebuild()
    db.session.commit()
    click.echo(f"{total} dòng; {changed} dòng đã được sửa / {total} rows; {changed} rows corrected")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", required=True)
@click.option("--province", "province_code", metavar="CODE", help="The province's unit code (e.g. 33).")
def create_user_command(username: str, role: str, password: str, province_code: str | None) -> None:
    """Create a user, or reset the password, role and province of an existing one."""
    username = username.strip()
    user = accounts.find_user(username)
    # The same username rule as the admin pages; an existing user keeps the name they have.
    if user is None and (problem := accounts.username_problem(username)):
        fail(problem)
    if not password:
        fail("mật khẩu không được để trống / the password must not be empty")
    if user is not None and province_code is None and user.province_id is not None and role != "ministry":
        province = db.session.get(AdminUnit, user.province_id)  # a reset keeps the user where they are
    else:
        province = province_for(role, province_code)
    with tenancy.scoped_to(province.id if province is not None else None):  # audited in that province
        if user is None:
            user = accounts.create_user(username, role, password, None, province)
            verb = "Đã tạo / Created"
        else:
            accounts.update_user(user, role, True, password, None)
            accounts.move_user(user, province)
            verb = "Đã cập nhật / Updated"
        db.session.commit()
    where = f", {province.name}" if province is not None else ""
    click.echo(f"{verb}: {user.username} ({role}{where})")
    if accounts.password_problem(password):
        # The console is trusted (demo and test set-ups use short ones), but say it.
        minimum = accounts.MIN_PASSWORD_LENGTH
        click.echo(f"Cảnh báo / Warning: mật khẩu ngắn hơn {minimum} ký tự / password shorter than {minimum}")


def province_for(role: str, code: str | None):
    """The province a new user belongs to: the one named, else the deployment's only one (docs/provinces.md)."""
    if role == "ministry":
        if code:
            fail("người dùng của Bộ không thuộc tỉnh nào, bỏ --province / a ministry user has no province")
        return None
    if code:
        province = places.by_code(code)
        if province is None:
            known = ", ".join(p.code for p in places.all_provinces()) or "–"
            fail(f"không có tỉnh mã {code} (có: {known}) / no province with code {code} (known: {known})")
        return province
    provinces = places.all_provinces()
    if len(provinces) > 1:
        known = ", ".join(p.code for p in provinces)
        fail(f"cần --province, một trong: {known} / --province is required, one of: {known}")
    return provinces[0] if provinces else None


def run_import(kind: str, path: str) -> None:
    """Import a CSV or XLSX file of stores, units or products, all or nothing, and report."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        fail(f"không đọc được tệp / cannot read file: {error}")
    report = importing.import_file(kind, data, filename=path)
    if report.errors:
        for error in report.errors:
            click.echo(f"  dòng / line {error.line}: {error.message}", err=True)
        if report.more_errors:
            more = report.more_errors
            click.echo(f"  … và {more} lỗi nữa không hiển thị / … and {more} more errors not shown", err=True)
        total = report.error_count
        fail(f"{total} lỗi, không nhập dòng nào / {total} errors, nothing imported")
    click.echo(f"Đã nhập / Imported: {report.created} mới / new, {report.updated} cập nhật / updated")


@click.command("import-stores")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def import_stores_command(path: str) -> None:
    """Upsert stores by code (whatever its capitals) from a CSV or XLSX file; one bad row imports nothing."""
    run_import("stores", path)


@click.command("import-products")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def import_products_command(path: str) -> None:
    """Upsert certified eco-labelled products by GTIN from a CSV or XLSX file; one bad row imports nothing."""
    run_import("products", path)


@click.command("import-units")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@click.option("--official", "province", metavar="PROVINCE_CODE", help="Load a province's official units (e.g. 33).")
def import_units_command(path: str | None, province: str | None) -> None:
    """Upsert administrative units from a CSV file (one bad row imports nothing), or a province's official units."""
    if (path is None) == (province is None):
        fail("cho một tệp CSV hoặc --official MÃ_TỈNH / give a CSV file or --official PROVINCE_CODE")
    if path is not None:
        run_import("units", path)
        return
    try:
        report = official_units.load_official(province)
    except ValueError as error:
        fail(str(error))
    counts = report.counts
    click.echo(
        f"Đã nạp / Loaded: {counts['province']} tỉnh / province, {counts['communes']} xã, phường / communes, "
        f"{counts['old_districts']} huyện cũ / old districts, {counts['old_communes']} xã cũ / old communes, "
        f"{counts['conversions']} chuyển đổi / conversions"
    )
    click.echo(
        f"Mới / new: {report.created}, cập nhật / updated: {report.updated}, giữ nguyên / unchanged: {report.unchanged}"
    )


@click.command("convert-store-units")
@with_appcontext
def convert_store_units_command() -> None:
    """Give stores in units abolished on 01/07/2025 their commune in force, where the conversion is unambiguous."""
    report = conversion.convert(None)
    for store in report.converted:
        click.echo(f"  {store.code}: {store.legacy_unit.name if store.legacy_unit else ''} → {store.unit.name}")
    click.echo(f"Đã chuyển / Converted: {len(report.converted)}; cần chọn / to choose: {len(report.pending)}")
    for item in report.pending:
        options = ", ".join(f"{unit.name} ({unit.code})" for unit in item.candidates) or "–"
        click.echo(f"  {item.store.code} ({item.store.unit.name}): {options}")
    if report.pending:
        click.echo("Chọn xã/phường cho các cửa hàng trên tại /stores/units. / Choose their commune at /stores/units.")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no stores.")
def seed_demo_command(if_empty: bool) -> None:
    """Load demo units, stores, users and surveys and print the demo log-ins."""
    if if_empty and db.session.scalar(select(func.count()).select_from(Store)):
        demo.print_logins()
        return
    load_vocabularies()
    demo.seed()
    demo.print_logins()


def human_bytes(size: int) -> str:
    """A size people read at a glance: 812 B, 1.5 KB, 23.4 MB (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB", "GB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


@click.command("photos-report")
@with_appcontext
def photos_report_command() -> None:
    """How many photos are kept and how much room they take; how many are listed but not yet received."""
    report = photos.report()
    click.echo(f"Ảnh đã lưu / Photos kept: {report.received}")
    click.echo(
        f"Dung lượng / Storage: {human_bytes(report.stored_bytes)} ({report.stored_bytes} byte / bytes, "
        "kể cả ảnh thu nhỏ / thumbnails included)"
    )
    click.echo(f"Chưa nhận được / Listed but not yet received: {report.waiting}")


@click.command("purge-photos")
@with_appcontext
@click.option(
    "--older-than-days",
    type=click.IntRange(min=0),
    default=None,
    help="Photos of surveys rejected more than this many days ago (default: PHOTO_PURGE_AFTER_DAYS, else 365).",
)
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
@click.option("--yes", is_flag=True, help="Delete without asking.")
def purge_photos_command(older_than_days: int | None, dry_run: bool, yes: bool) -> None:
    """Delete the kept photos of surveys rejected long ago, after listing them; the audit log keeps a line each."""
    if older_than_days is None:
        older_than_days = int(current_app.config.get("PHOTO_PURGE_AFTER_DAYS", 365))
    found = photos.purgeable(older_than_days)
    if not found:
        click.echo(
            f"Không có ảnh nào để xóa (khảo sát bị từ chối hơn {older_than_days} ngày trước) / "
            f"Nothing to purge (surveys rejected more than {older_than_days} days ago)."
        )
        return
    click.echo("khảo sát / survey\tcửa hàng / store\tảnh / photo\tbyte / bytes")
    for photo in found:
        store = photo.survey.store.code if photo.survey.store else "-"  # "-": a store found in the field, no code yet
        click.echo(f"{photo.survey_id}\t{store}\t{photo.id}\t{photo.stored_bytes or 0}")
    total = sum(photo.stored_bytes or 0 for photo in found)
    click.echo(
        f"Tổng / Total: {len(found)} ảnh / photos, {human_bytes(total)} ({total} byte / bytes), "
        f"khảo sát bị từ chối hơn {older_than_days} ngày trước / surveys rejected more than {older_than_days} days ago"
    )
    if dry_run:
        click.echo("--dry-run: chưa xóa gì / nothing deleted.")
        return
    if not yes and not click.confirm("Xóa vĩnh viễn các ảnh này? / Delete these photos for good?", default=False):
        click.echo("Chưa xóa gì / Nothing deleted.")
        return
    # Only what was listed, and only if it is still a rejection: a reviewer may have changed it meanwhile.
    listed = {photo.id for photo in found}
    found = [photo for photo in photos.purgeable(older_than_days) if photo.id in listed]
    count = len(found)
    freed = photos.purge(found)
    click.echo(f"Đã xóa / Deleted: {count} ảnh / photos, {human_bytes(freed)} ({freed} byte / bytes)")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH while the app runs, and check the copy."""
    try:
        sizes = backup.backup_sqlite(db.engine.url, path)
    except backup.BackupError as error:
        fail(str(error))
    click.echo(
        f"Đã sao lưu / Backed up to {path}: {sizes.get('survey', 0)} phiếu / surveys, "
        f"{sizes.get('store', 0)} cửa hàng / stores, {sizes.get('photo', 0)} ảnh / photos."
    )
    click.echo("Ảnh là tệp riêng: hãy sao chép cả thư mục ảnh. / Photos are files: copy the photos folder too.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (
        init_db_command,
        rebuild_store_years_command,
        create_user_command,
        import_stores_command,
        import_units_command,
        import_products_command,
        convert_store_units_command,
        seed_demo_command,
        photos_report_command,
        purge_photos_command,
        backup_command,
    ):
        app.cli.add_command(command)
