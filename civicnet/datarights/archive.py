"""The export archive: a standard zip holding the member's data as JSON (for machines), one CSV per
table, a readable page that needs nothing else to open (index.html, styles inline), and a README that
describes every file and field."""

import csv
import io
import json
import zipfile
from pathlib import Path

from flask import current_app, render_template

from civicnet import storage
from civicnet.personal_data import Section, Table, plain

README_HEAD = """Your data from {site}, exported {when} for @{username}.

Open index.html in a web browser to read it. The same data is in data.json for programs, and each
table is also a CSV file (UTF-8, comma-separated, first line the field names) in the csv folder.
Dates and times are in ISO 8601, in UTC.

Files
-----
README.txt   this file
index.html   everything, to read
data.json    everything, for programs: {{"sections": {{section: {{table: [rows]}}}}}}
files/       the files you uploaded (your photo, attachments), where the tables below say
"""


def write_archive(path: Path, collected: list[tuple[Section, list[Table]]], *, site: str, username: str, when) -> None:
    """Write the zip at `path` (a temporary name first, so a half-written file is never offered)."""
    partial = path.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(collected, site, username, when))
        archive.writestr("data.json", json.dumps(_as_json(collected), ensure_ascii=False, indent=2))
        for section, tables in collected:
            for table in tables:
                archive.writestr(f"csv/{section.name}-{table.name}.csv", _as_csv(table))
                for stored in table.files:
                    _copy_file(archive, stored)
        page = render_template("datarights/archive.html", collected=collected, site=site, username=username, when=when)
        archive.writestr("index.html", page)
    partial.rename(path)


def _copy_file(archive: zipfile.ZipFile, stored) -> None:
    """Copy a stored file into the archive, a chunk at a time (attachments can be megabytes each)."""
    try:
        chunks = storage.read(stored.key)
    except storage.Missing:  # deleted since the table was collected: its row says what it was
        current_app.logger.warning("Export: stored file %s is gone", stored.key)
        return
    with archive.open(stored.path, "w") as out:
        for chunk in chunks:
            out.write(chunk)


def _as_json(collected) -> dict:
    return {
        "sections": {
            section.name: {
                table.name: [{k: plain(row.get(k)) for k in table.columns} for row in table.rows] for table in tables
            }
            for section, tables in collected
        }
    }


def _as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(table.columns))
    for row in table.rows:
        writer.writerow(["" if value is None else value for value in table.values(row)])
    return out.getvalue()


def _readme(collected, site: str, username: str, when) -> str:
    lines = [README_HEAD.format(site=site, username=username, when=when.isoformat())]
    for section, tables in collected:
        lines.append(f"\n{section.title}\n{'-' * len(section.title)}")
        for table in tables:
            lines.append(f"csv/{section.name}-{table.name}.csv ({len(table.rows)} rows): {table.description}")
            lines.extend(f"    {column}: {meaning}" for column, meaning in table.columns.items())
    return "\n".join(lines) + "\n"
