"""Account pages: register, verify, sign in and out, passwords and email."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from civicnet import signals
from civicnet.accounts import access_tokens as api_tokens
from civicnet.accounts import bp, credentials, services, sessions
from civicnet.accounts import tokens as signed
from civicnet.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignInForm,
    TokenForm,
)
from civicnet.accounts.models import ROLE_LABELS
from civicnet.accounts.permissions import is_moderator
from civicnet.accounts.throttle import email_limit, sign_in_limits
from civicnet.errors import Invalid
from civicnet.forms import apply_service_error
from civicnet.urls import safe_next_url

# Every page's header and forms show roles, and moderators' links.
bp.add_app_template_global(ROLE_LABELS, "role_labels")
bp.add_app_template_global(is_moderator)


@bp.route("/register", methods=["GET", "POST"])
@email_limit
def register():
    if current_user.is_authenticated:
        return redirect(url_for("profiles.show", username=current_user.username))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                username=form.username.data,
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
            )
        except Invalid as error:
            apply_service_error(form, error)
        else:
            login_user(sessions.begin_session(user))
            return redirect(url_for("accounts.check_email"))
    return render_template("accounts/register.html", form=form)


@bp.route("/register/check-email")
@login_required
def check_email():
    return render_template("accounts/check_email.html", form=ConfirmForm())


@bp.route("/verify-email/resend", methods=["POST"])
@login_required
@email_limit
def resend_verification():
    if ConfirmForm().validate_on_submit() and not current_user.is_verified_email:
        services.send_verification_email(current_user)
        flash(f"We have sent a new link to {current_user.email}")
    return redirect(url_for("accounts.check_email"))


@bp.route("/verify-email/<token>")
def verify_email(token: str):
    try:
        user = services.verify_email(token)
    except Invalid as error:
        return render_template("accounts/link_problem.html", message=error.message), 400
    flash("Your email address is confirmed")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("profiles.edit"))
    return redirect(url_for("accounts.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    suspended = statement = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.identifier.data, form.password.data)
        except services.Leaving as error:
            return leaving_sign_in(error)
        except services.Suspended as error:
            suspended = error.message
            statement = signals.answer(signals.suspension_statement, error.user) if error.user else None
        except Invalid as error:
            apply_service_error(form, error)
        else:
            login_user(sessions.begin_session(user), remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for("pages.home"))
    return render_template("accounts/sign_in.html", form=form, suspended=suspended, statement=statement)


def leaving_sign_in(error):
    """The password was right, but the member asked to delete their account: offer to cancel that."""
    token = signed.make_token(signed.CANCEL_LEAVING, {"uid": error.user.id, "v": error.user.session_version})
    return render_template("accounts/leaving.html", member=error.user, message=error.message, token=token)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    if ConfirmForm().validate_on_submit():
        if current_user.is_authenticated:
            # Ends this sign-in server-side: its cookies stop working, even copied, and the sockets
            # opened with it close. The member's other devices stay signed in.
            sessions.end_session(current_user)
        logout_user()
        flash("You have signed out")
    return redirect(url_for("pages.home"))


@bp.route("/account")
@login_required
def settings():
    return render_template("accounts/settings.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            credentials.change_password(current_user, form.current_password.data, form.new_password.data)
        except Invalid as error:
            apply_service_error(form, error)
        else:
            # The old session id died with the password; sign this device back in under the new one.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(sessions.begin_session(current_user._get_current_object()), remember=remembered)
            flash("Your password has been changed. Other devices have been signed out")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@email_limit
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            credentials.request_email_change(current_user, form.password.data, form.email.data)
        except Invalid as error:
            apply_service_error(form, error)
        else:
            flash(
                f"We have sent a confirmation link to {form.email.data.lower()}. Your email changes when you follow it"
            )
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/account/email/confirm/<token>")
def confirm_email_change(token: str):
    try:
        credentials.confirm_email_change(token)
    except Invalid as error:
        return render_template("accounts/link_problem.html", message=error.message), 400
    flash("Your email address has been changed")
    return redirect(url_for("accounts.settings") if current_user.is_authenticated else url_for("accounts.sign_in"))


@bp.route("/reset-password", methods=["GET", "POST"])
@email_limit
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        credentials.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/request_reset.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        credentials.user_for_reset_token(token)
    except Invalid as error:
        return render_template("accounts/link_problem.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            credentials.reset_password(token, form.password.data)
        except Invalid as error:
            apply_service_error(form, error)
        else:
            flash("Your password has been reset. Sign in with your new password")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            _, new_token = api_tokens.create_token(current_user, form.name.data)
        except Invalid as error:
            apply_service_error(form, error)
    return render_template(
        "accounts/tokens.html", form=form, tokens=api_tokens.active_tokens(current_user), new_token=new_token
    )


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if ConfirmForm().validate_on_submit():
        api_tokens.revoke_token(current_user, token_id)
        flash("Token revoked: anything using it can no longer sign in")
    return redirect(url_for("accounts.tokens"))
