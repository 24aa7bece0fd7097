"""Calendar invites and feeds (RFC 5545, iMIP RFC 6047) built with icalendar: no child's name,
initials or details and no family's address ever go into calendar data."""

from flask import Blueprint

bp = Blueprint("ical", __name__)
