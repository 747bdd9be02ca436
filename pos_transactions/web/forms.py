"""The page's forms (Flask-WTF: each carries its CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from .users import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField("Sign in")


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(), EqualTo("password", "Both must match.")]
    )
    submit = SubmitField("Set password")


class GenerateTokenForm(FlaskForm):
    label = StringField(
        "Label (who holds it)",
        validators=[Length(max=200)],
        default="LucidRetail",
    )
    submit = SubmitField("Generate token")


class RevokeForm(FlaskForm):
    username = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField("Revoke")


class LogoutForm(FlaskForm):
    submit = SubmitField("Sign out")
