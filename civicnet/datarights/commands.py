"""`flask data`: members' data rights for requests received outside civicnet (export, import, erase)."""

import shutil
from pathlib import Path

import click
from flask.cli import AppGroup

from civicnet import access_log
from civicnet.access_log import CATEGORIES, PURPOSES, Look
from civicnet.accounts.models import User
from civicnet.accounts.services import find_user_by_username
from civicnet.datarights import importer, leaving
from civicnet.datarights.exports import build_file
from civicnet.errors import ServiceError
from civicnet.mentoring.offers import can_offer
from civicnet.transactions import commit


def member_or_fail(username: str) -> User:
    """The member with this username, or a clear error for the operator (every command uses it)."""
    user = find_user_by_username(username)
    if user is None:
        raise click.ClickException(f"No member has the username {username!r}")
    return user


data_cli = AppGroup("data", help="Members' data rights: exports for requests received outside civicnet.")


@data_cli.command("export")
@click.argument("username")
@click.option("--purpose", type=click.Choice(list(PURPOSES)), default="rights", show_default=True)
@click.option("--case", "case_ref", default="", help="The request's reference, never a person's name.")
@click.option("--to", "target", type=click.Path(dir_okay=False, writable=True), help="Where to write the zip.")
def data_export(username: str, purpose: str, case_ref: str, target: str | None) -> None:
    """Build a member's export now and write it to a file (recorded in their access log)."""
    user = member_or_fail(username)
    try:
        access_log.record(None, user.id, Look(purpose, tuple(CATEGORIES), case_ref, action="export"))
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    commit()
    path = build_file(user)
    if target:
        path = Path(shutil.copyfile(path, target))
    click.echo(f"Export of {user.username}: {path}")


@data_cli.command("import")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--username", required=True, help="The member here who receives it.")
@click.option("--yes", is_flag=True, help="Import; without it, only show what would be imported.")
def data_import(archive: str, username: str, yes: bool) -> None:
    """Bring a profile, skill tags and mentoring offer from another civicnet's export."""
    user = member_or_fail(username)
    try:
        with open(archive, "rb") as stream:
            preview = importer.read_archive(stream)
        click.echo(
            f"Profile: {preview.profile['display_name']}; can help with: {', '.join(preview.help_tags) or 'none'}"
        )
        click.echo(f"Wants to learn about: {', '.join(preview.learn_tags) or 'none'}")
        click.echo(f"Mentoring offer: {preview.offer['description'] if preview.offer else 'none'}")
        if not yes:
            click.echo("Nothing imported: run again with --yes to import it.")
            return
        parts = {"profile", "tags", *(["settings"] if preview.settings else [])}
        parts |= {"offer"} if preview.offer and can_offer(user) else set()
        click.echo(f"Imported: {', '.join(importer.apply(user, preview, parts)).lower()}.")
    except ServiceError as error:
        raise click.ClickException(error.message) from None


@data_cli.command("erase")
@click.argument("username")
@click.option(
    "--messages", type=click.Choice(["keep", "remove"]), required=True, help="What happens to their messages."
)
@click.option("--case", "case_ref", default="", help="The request's reference, never a person's name.")
def data_erase(username: str, messages: str, case_ref: str) -> None:
    """Erase a member now (an erasure request received outside civicnet); recorded in the access log."""
    user = member_or_fail(username)
    access_log.record(None, user.id, Look("rights", tuple(CATEGORIES), case_ref, action="delete"))
    user.messages_on_leaving = messages
    leaving.erase(user)
    click.echo(f"Erased {username}: now {user.username}.")
