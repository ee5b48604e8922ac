"""Account forms: shape checks only; the rules live in services."""

from civicnet.forms import (
    BooleanField,
    FlaskForm,
    GovCheckboxInput,
    email_field,
    password_field,
    submit,
    text_field,
)

PASSWORD_HINT = "At least 12 characters. Three or more random words make a strong password that is easy to remember."


class RegisterForm(FlaskForm):
    email = email_field(description="We will send you a link to confirm it. Other members never see it.")
    username = text_field(
        "Username",
        required="Enter a username",
        max_length=30,
        description="3 to 30 letters, numbers, hyphens or underscores. It appears in your profile address.",
    )
    display_name = text_field(
        "Display name",
        required="Enter a display name",
        max_length=60,
        description="The name other members see, such as your full name.",
    )
    password = password_field("Create a password", "Enter a password", description=PASSWORD_HINT)
    submit = submit("Create account")


class SignInForm(FlaskForm):
    identifier = text_field(
        "Email address or username", required="Enter your email address or username", max_length=254
    )
    password = password_field("Password", "Enter your password")
    remember = BooleanField("Keep me signed in on this device for 30 days", widget=GovCheckboxInput())
    submit = submit("Sign in")


class ChangePasswordForm(FlaskForm):
    current_password = password_field("Current password", "Enter your current password")
    new_password = password_field("New password", "Enter a new password", description=PASSWORD_HINT)
    submit = submit("Change password")


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = submit("Send reset link")


class ResetPasswordForm(FlaskForm):
    password = password_field("New password", "Enter a new password", description=PASSWORD_HINT)
    submit = submit("Set new password")


class ChangeEmailForm(FlaskForm):
    email = email_field(
        "New email address", description="We will send a link to this address. Your email changes when you follow it."
    )
    password = password_field("Your password", "Enter your password")
    submit = submit("Send confirmation link")


class ConfirmForm(FlaskForm):
    """A form with only a button, for POST actions such as signing out or resending a link."""

    submit = submit("Continue")


class TokenForm(FlaskForm):
    name = text_field(
        "Token name",
        required="Enter a name for the token",
        max_length=60,
        description="Say what will use it, such as 'my chat bot'.",
    )
    submit = submit("Create token")
