"""Pages: importing a profile from another civicnet's export (upload, preview, confirm)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from civicnet.accounts import tokens
from civicnet.datarights import bp, importer
from civicnet.datarights.forms import ConfirmImportForm, ImportForm
from civicnet.errors import Invalid, ServiceError
from civicnet.forms import apply_service_error
from civicnet.mentoring.offers import can_offer

PREVIEW = "data-import"
PREVIEW_MAX_AGE = 3600  # seconds a preview may wait for its confirmation


@bp.route("/account/data/import", methods=["GET", "POST"])
@login_required
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.archive.data
        upload.stream.seek(0, 2)
        size = upload.stream.tell()
        upload.stream.seek(0)
        try:
            if size > importer.MAX_ARCHIVE:
                raise Invalid("archive", "The file is too large: an export is at most 50 MB")
            preview = importer.read_archive(upload.stream)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            confirm = ConfirmImportForm(formdata=None, preview=tokens.make_token(PREVIEW, preview.as_dict()))
            # Every part the export holds is ticked to start with (tags always; settings and offer if present).
            confirm.parts.data = [p for p in importer.PARTS if getattr(preview, p, True)]
            return _preview_page(preview, confirm)
    return render_template("datarights/import.html", form=form)


@bp.route("/account/data/import/confirm", methods=["POST"])
@login_required
def import_confirm():
    form = ConfirmImportForm()
    data = tokens.read_token(PREVIEW, form.preview.data or "", max_age=PREVIEW_MAX_AGE)
    if data is None:
        flash("That preview has run out. Upload the file again.")
        return redirect(url_for("datarights.import_upload"))
    preview = importer.Preview.from_dict(data)
    if form.validate_on_submit():
        try:
            done = importer.apply(current_user, preview, set(form.parts.data))
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"Imported: {', '.join(done).lower()}.")
            return redirect(url_for("profiles.show", username=current_user.username))
    return _preview_page(preview, form)


def _preview_page(preview, form: ConfirmImportForm):
    return render_template(
        "datarights/import_preview.html", preview=preview, form=form, may_offer=can_offer(current_user)
    )
