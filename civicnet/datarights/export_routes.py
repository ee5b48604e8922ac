"""Pages: what civicnet holds about me, asking for an export, watching it being built, downloading it."""

from flask import jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from civicnet.datarights import bp, exports
from civicnet.datarights.forms import ExportForm
from civicnet.datarights.holdings import HOLDINGS
from civicnet.errors import ServiceError
from civicnet.forms import apply_service_error


@bp.route("/account/data/export", methods=["POST"])
@login_required
def start_export():
    form = ExportForm()
    if form.validate_on_submit():
        try:
            export = exports.start_export(current_user, form.password.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            return redirect(url_for("datarights.export_page", export_id=export.id))
    return render_overview(form)


@bp.route("/account/data")
@login_required
def overview():
    return render_overview()


def render_overview(form: ExportForm | None = None):
    # Errors come back on the page with 200, as the other account forms' do.
    return render_template(
        "datarights/overview.html",
        holdings=HOLDINGS,
        form=form or ExportForm(formdata=None),
        latest=exports.latest_export(current_user),
    )


@bp.route("/account/data/export/<int:export_id>")
@login_required
def export_page(export_id: int):
    export = exports.export_of(current_user, export_id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(status=export.status, progress=export.progress, finished=export.finished)
    return render_template("datarights/export.html", export=export)


@bp.route("/account/data/export/<int:export_id>/download")
@login_required
def download(export_id: int):
    path = exports.archive_for_download(current_user, export_id)
    return send_file(
        path, mimetype="application/zip", as_attachment=True, download_name=path.name.rsplit("-", 1)[0] + ".zip"
    )
