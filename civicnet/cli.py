"""Command-line tools for operators: `flask users ...`, `flask search ...` and `flask seed-demo`."""

import contextlib
import os
import signal
import threading
import time
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from civicnet import access_log, jobs, storage
from civicnet.access_log import PURPOSES, Look
from civicnet.accounts import access_tokens as api_tokens
from civicnet.accounts import services as accounts
from civicnet.accounts.models import ROLES, User
from civicnet.datarights import leaving
from civicnet.datarights.commands import data_cli, member_or_fail
from civicnet.datarights.retention import apply_retention
from civicnet.db_types import utcnow
from civicnet.demo import DEMO_PASSWORD, load_demo_data
from civicnet.errors import ServiceError
from civicnet.extensions import db
from civicnet.mentoring import expiry as mentoring
from civicnet.notifications import digest, emailing
from civicnet.register import reviews
from civicnet.rooms import attachments
from civicnet.search import indexer
from civicnet.transactions import commit
from civicnet.verification import services as verification

users_cli = AppGroup("users", help="Manage member accounts.")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least 12 characters, not a common password.")
@click.option("--display-name", default=None, help="Defaults to the username.")
@click.option("--role", type=click.Choice(ROLES), default="citizen", show_default=True)
def create_user(username: str, email: str, password: str, display_name: str | None, role: str) -> None:
    """Create a member whose email address counts as confirmed."""
    try:
        user = accounts.register_user(
            username=username,
            email=email,
            display_name=display_name or username,
            password=password,
            role=role,
            verified=True,
        )
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.username} ({user.role_label})")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def set_role(username: str, role: str) -> None:
    """Give a member a role."""
    try:
        user = accounts.set_role(None, member_or_fail(username), role)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{user.username} is now {user.role_label}")


@users_cli.command("list")
def list_users() -> None:
    """List members with their roles."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = " (suspended)" if accounts.is_suspended(user) else ""
        verified = "" if user.is_verified_email else " (email not confirmed)"
        click.echo(f"{user.username:<30} {user.role:<15} {user.email}{verified}{state}")


@users_cli.command("show")
@click.argument("username")
@click.option("--purpose", type=click.Choice(list(PURPOSES)), required=True, help="Why you look (the member reads it).")
@click.option("--case", "case_ref", default="", help="A case reference, never a person's name.")
@click.option("--note", default="", help="Needed with --purpose other; the member reads it.")
def show_user(username: str, purpose: str, case_ref: str, note: str) -> None:
    """One member's account, recorded in their access log as a look by an operator."""
    user = member_or_fail(username)
    try:
        access_log.record(None, user.id, Look(purpose, ("account", "email"), case_ref, note))
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    commit()
    click.echo(f"{user.username} <{user.email}>, {user.role}, joined {user.created_at:%Y-%m-%d}")
    click.echo(f"Email confirmed: {bool(user.email_verified_at)}; suspended: {accounts.is_suspended(user)}")


@users_cli.command("suspend")
@click.argument("username")
@click.option("--reason", required=True)
@click.option("--until", "until", default=None, help="YYYY-MM-DD; leave out to suspend until lifted.")
def suspend(username: str, reason: str, until: str | None) -> None:
    """Suspend a member."""
    end = datetime.strptime(until, "%Y-%m-%d").replace(tzinfo=UTC) if until else None
    try:
        accounts.suspend_user(None, member_or_fail(username), reason, end)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Suspended {username}")


@users_cli.command("unsuspend")
@click.argument("username")
def unsuspend(username: str) -> None:
    """Lift a member's suspension."""
    accounts.lift_suspension(None, member_or_fail(username))
    click.echo(f"Lifted the suspension of {username}")


tokens_cli = AppGroup("tokens", help="Manage personal access tokens.")


@tokens_cli.command("create")
@click.argument("username")
@click.option("--name", default="Created by an operator", show_default=True)
def create_token(username: str, name: str) -> None:
    """Create a personal access token for a member and print it once."""
    try:
        _, plain = api_tokens.create_token(member_or_fail(username), name)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(plain)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo members and skill tags, once; running it again changes nothing."""
    created = load_demo_data()
    if created:
        click.echo(f"Loaded {created} demo members. Each signs in with the password: {DEMO_PASSWORD}")
    else:
        click.echo("Demo data is already loaded.")


@click.command("sweep")
def sweep() -> None:
    """Housekeeping the jobs worker otherwise does on its schedule: verification reminders and expiries,
    mentoring expiry warnings and expiries, looks at members' data whose hold has ended, notification
    emails that are due, digests that are due, attachments never sent, and stored files nothing refers to
    any more."""
    reminded, ended = verification.sweep()
    warned, expired = mentoring.sweep()
    disclosed = access_log.disclose_due()
    commit()
    erased = leaving.erase_due()
    removed = ", ".join(f"{count} {what}" for what, count in apply_retention().items())
    emailed, digests = emailing.send_due(utcnow()), digest.run(utcnow())
    published = reviews.publish_due()
    unsent = attachments.remove_unsent()
    swept = storage.sweep_orphans()
    click.echo(
        f"Verifications: {reminded} reminded, {ended} ended. Mentoring requests: {warned} warned, {expired} expired. "
        f"Looks at members' data shown after a hold: {disclosed}. Accounts erased after their grace period: {erased}. "
        f"Deleted after their retention period: {removed}. Notification emails sent: {emailed}. Digests sent: {digests}. "
        f"Register drafts published: {published}. Attachments never sent, deleted: {unsent}. "
        f"Stored files no longer used, deleted: {swept}."
    )


search_cli = AppGroup("search", help="Look after the search index.")


@search_cli.command("reindex")
def search_reindex() -> None:
    """Rebuild the search index from the database, with a progress bar; searches keep working meanwhile."""
    total = sum(indexer.status().database.values())
    with click.progressbar(length=total, label="Indexing people, rooms and messages") as bar:
        count = indexer.rebuild(progress=bar.update)
    click.echo(f"Indexed {count} documents.")


@search_cli.command("status")
def search_status() -> None:
    """Show documents per type in the index and the database, and how far the index lags."""
    status = indexer.status()
    if not status.available:
        click.echo(
            "The search index is missing or damaged: a running `flask search indexer` rebuilds it,"
            " or run: flask search reindex"
        )
    click.echo(f"{'':<10}{'index':>10}{'database':>10}")
    for kind, count in status.documents.items():
        click.echo(f"{kind:<10}{count:>10}{status.database[kind]:>10}")
    lag = f", the oldest {status.oldest_pending_seconds:.1f} s ago" if status.oldest_pending_seconds is not None else ""
    click.echo(f"Changes waiting to be indexed: {status.pending}{lag}")


@search_cli.command("update")
def search_update() -> None:
    """Index waiting changes now, once (a running `flask search indexer` does this continuously)."""
    click.echo(f"Indexed {indexer.process_pending()} changed documents.")


@search_cli.command("indexer")
@click.option("--parent-pid", type=int, default=None, help="Stop when the process with this id, our parent, stops.")
def search_indexer(parent_pid: int | None) -> None:
    """Index changes as they are made, and rebuild a missing or damaged index, until stopped."""
    stopping = threading.Event()
    # SIGTERM (a service manager, or the server that started this) stops as Ctrl+C does: a batch
    # interrupted part-way is cancelled, and its changes stay in the outbox for the next run.
    signal.signal(signal.SIGINT, _stop_once)
    signal.signal(signal.SIGTERM, _stop_once)
    app = current_app._get_current_object()
    click.echo(f"civicnet search indexer: indexing into {app.config['SEARCH_INDEX_DIR']}", err=True)
    with contextlib.suppress(KeyboardInterrupt):
        indexer.run(app, stopping, parent_pid=parent_pid)
    click.echo("civicnet search indexer: stopped", err=True)


jobs_cli = AppGroup("jobs", help="Run and inspect background jobs (email, housekeeping).")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True, help="Jobs run at once.")
@click.option("--parent-pid", type=int, default=None, help="Stop when the process with this id, our parent, stops.")
def jobs_worker(workers: int, parent_pid: int | None) -> None:
    """Run queued and periodic jobs until stopped (one per machine; `python app.py` starts one)."""
    if parent_pid is not None:
        threading.Thread(target=_stop_with_parent, args=(parent_pid,), daemon=True).start()
    click.echo(f"civicnet jobs worker: {workers} at once", err=True)
    jobs.worker(workers)


def _stop_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)  # the consumer finishes what it runs, then exits


@jobs_cli.command("failed")
def jobs_failed() -> None:
    """List the jobs that failed on their last attempt (the dead-letter list)."""
    failed = jobs.failed_jobs()
    if not failed:
        click.echo("No failed jobs.")
    for entry in failed:
        click.echo(f"{entry.id}\t{entry.failed_at:%Y-%m-%d %H:%M}\t{entry.job}\t{entry.arguments}\t{entry.error}")


@jobs_cli.command("retry")
@click.argument("failed_id", type=int)
def jobs_retry(failed_id: int) -> None:
    """Queue a failed job again, once what made it fail is fixed."""
    entry = db.session.get(jobs.FailedJob, failed_id)
    if entry is None or entry.requeued_at is not None:
        raise click.ClickException(f"There is no failed job {failed_id} waiting to be retried")
    jobs.requeue(entry)
    click.echo(f"Queued {entry.job} again.")


def _stop_once(signum, frame) -> None:
    # Ctrl+C reaches both the server and its indexer, and the server then sends SIGTERM: a second
    # interruption while the first unwinds would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(sweep)
    app.cli.add_command(search_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(data_cli)
