"""The one access check for the admin screens: only administrators manage organisations."""

from flask import abort
from flask_login import current_user


def require_admin() -> None:
    """Stop anyone but an administrator (403)."""
    if current_user.role != "admin":
        abort(403)
