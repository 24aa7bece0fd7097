"""Lists of meetings (to be filled in by the lists helper)."""

from __future__ import annotations

from flask import Blueprint, render_template


def meetings():
    return render_template("meetings/meetings.html", title="Meetings")


def register(bp: Blueprint) -> None:
    """Add this module's pages to the meetings blueprint."""
    bp.add_url_rule("", view_func=meetings, endpoint="meetings")
