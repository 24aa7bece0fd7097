"""TAS meetings: requests and triage, booking and termly series, invitations and answers, the
agenda, attendance, minutes and the actions they put on a child's shared plan."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
