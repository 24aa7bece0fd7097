"""Which demo account visits each GET route in the statement count walk
(tests/test_statement_counts.py), the demo rows its URL variables name, and the routes the demo
cannot reach, with why."""

from __future__ import annotations

from dataclasses import dataclass, field

ACCOUNTS = {
    "admin": "admin@demo.tas.test",
    "coordinator": "coordinator@demo.tas.test",
    "dsl": "dsl@oakfield.demo.tas.test",
    "link worker": "linkworker@demo.tas.test",
    "practitioner": "fim@demo.tas.test",
    "gp": "gp@demo.tas.test",
}


@dataclass(frozen=True)
class Visit:
    """Who visits the page ("anyone": signed out; a list page shows each role its own rows, so
    several may visit), which demo rows fill its URL variables where they differ from DEFAULTS
    (a variable -> a row of DemoRows), and the status it answers."""

    who: str | tuple[str, ...]
    rows: dict[str, str] = field(default_factory=dict)
    status: int = 200

    @property
    def visitors(self) -> tuple[str, ...]:
        return (self.who,) if isinstance(self.who, str) else self.who


# The demo rows a URL variable names unless the route says otherwise: Mia Hughes (Oakfield) and
# her plan, and the first held Oakfield meeting.
DEFAULTS = {
    "child_id": "mia",
    "plan_id": "mia_plan",
    "action_id": "mia_action",
    "involvement_id": "mia_involvement",
    "outcome_id": "mia_outcome",
    "member_id": "mia_parent",
    "meeting_id": "held_meeting",
    "item_id": "held_item",
    "school_id": "oakfield",
    "agency_id": "agency",
    "cluster_id": "cluster",
    "user_id": "link_worker",
    "term_id": "term",
    "request_id": "request",
    "review_id": "review",
    "basis_id": "lawful_basis",
    "notification_id": "gp_notification",
    "token": "feed_token",
    "entry_id": "mia_concern",
}
LEO_REFERRAL = {"child_id": "leo", "referral_id": "leo_referral"}  # awaiting the IFD's decision
RUBY_REFERRAL = {"child_id": "ruby", "referral_id": "ruby_referral"}  # decided
OVERDUE = {"meeting_id": "overdue_meeting", "item_id": "overdue_item"}  # minutes still to write
UPCOMING = {"meeting_id": "upcoming_meeting", "invitation_id": "upcoming_invitation"}

ROUTES = {
    "pages.home": Visit(("link worker", "dsl", "practitioner")),
    "pages.accessibility": Visit("anyone"),
    "pages.cookies": Visit("anyone"),
    "pages.privacy": Visit("anyone"),
    "pages.healthz": Visit("anyone"),
    "auth.sign_in": Visit("anyone"),
    "auth.password_reset": Visit("anyone"),
    "auth.password_reset_sent": Visit("anyone"),
    "auth.account": Visit("link worker"),
    "auth.reminders": Visit("link worker"),
    # The second step of signing in sends someone fully signed in on to the page asked for.
    "auth.second_factor": Visit("link worker", status=302),
    "auth.recovery_code": Visit("link worker", status=302),
    "auth.set_up_second_factor": Visit("link worker"),
    "auth.second_factors": Visit("link worker"),
    "auth.set_up_app": Visit("link worker"),
    "auth.add_passkey": Visit("link worker"),
    # The demo's accounts have no second factor to reset: the page says so and goes back.
    "organisations.user_reset_factors": Visit("admin", status=302),
    "organisations.agencies": Visit("admin"),
    "organisations.agency_change": Visit("admin"),
    "organisations.agency_add": Visit("admin"),
    "organisations.clusters": Visit("admin"),
    "organisations.cluster_change": Visit("admin"),
    "organisations.cluster_add": Visit("admin"),
    "organisations.schools": Visit("admin"),
    "organisations.school_change": Visit("admin"),
    "organisations.school_add": Visit("admin"),
    "organisations.users": Visit("admin"),
    "organisations.user_change": Visit("admin"),
    "organisations.user_add": Visit("admin"),
    "audit.repeated_refusals": Visit("coordinator"),
    "outbox.failed": Visit("coordinator"),
    "work.people": Visit("dsl"),
    "work.reassign": Visit("admin"),
    "ical.feed": Visit("anyone"),
    "ical.export": Visit("coordinator"),
    "ical.meeting_ics": Visit("link worker"),
    "children.children": Visit(("dsl", "link worker", "gp")),
    "children.add": Visit("link worker"),
    "children.record_checks": Visit("coordinator"),
    "children.child": Visit("link worker"),
    "children.reason": Visit("coordinator"),
    "children.change": Visit("link worker"),
    "children.move": Visit("link worker"),
    "children.staff": Visit("dsl"),
    "children.agreement": Visit("link worker"),
    "children.agreement_new": Visit("link worker"),
    "children.agreement_withdraw": Visit("link worker"),
    "children.sharing_decisions": Visit("link worker"),
    "children.sharing_decision_new": Visit("link worker"),
    "children.family": Visit("link worker"),
    "children.member_change": Visit("link worker"),
    "children.member_add": Visit("link worker"),
    "children.lives_with": Visit("link worker"),
    "children.siblings": Visit("link worker"),
    "levels.level": Visit("link worker"),
    "levels.handover": Visit("link worker", {"child_id": "ruby"}),
    "levels.refer": Visit("link worker"),
    "levels.decision": Visit("dsl", LEO_REFERRAL),
    "levels.disagreement": Visit("dsl", RUBY_REFERRAL),
    "levels.social_worker": Visit("link worker"),
    "levels.step_up": Visit("link worker"),
    "levels.step_down": Visit("link worker"),
    "plans.start": Visit("link worker"),
    "plans.plan": Visit("link worker"),
    "plans.change": Visit("link worker"),
    "plans.close": Visit("link worker"),
    "plans.closure_letter": Visit(
        "link worker", {"child_id": "ellie", "plan_id": "ellie_closed_plan"}
    ),
    "plans.action": Visit("link worker"),
    "plans.action_add": Visit("link worker"),
    "plans.action_change": Visit("link worker"),
    "plans.involvement": Visit("link worker"),
    "plans.involvement_add": Visit("link worker"),
    "plans.involvement_change": Visit("link worker"),
    "plans.outcome_add": Visit("link worker"),
    "plans.engagement_decision": Visit("dsl"),
    "plans.drift_decision": Visit("dsl"),
    "plans.score_add": Visit("link worker"),
    "plans.gp_notification": Visit("link worker"),
    # The form is sent from the notification page: a GET goes back there.
    "plans.gp_notification_record": Visit(
        "link worker", {"child_id": "ruby", "plan_id": "ruby_plan"}, status=302
    ),
    "gp.missing": Visit(("dsl", "link worker", "coordinator")),
    "gp.notifications": Visit("gp"),
    "actions.yours": Visit(("dsl", "link worker", "practitioner")),
    "gp.reply": Visit("gp"),
    "meetings.meetings": Visit(("dsl", "link worker", "practitioner", "coordinator")),
    "meetings.new_meeting": Visit("link worker"),
    "meetings.new_series": Visit("link worker"),
    "meetings.saved_rooms": Visit("dsl"),
    "meetings.default_agencies": Visit("dsl"),
    "meetings.term_dates": Visit("coordinator"),
    "meetings.term_add": Visit("coordinator"),
    "meetings.term_change": Visit("coordinator"),
    "meetings.meeting": Visit("link worker"),
    "meetings.move_meeting": Visit("dsl", UPCOMING),
    "meetings.cancel_meeting": Visit("dsl", UPCOMING),
    "meetings.agenda_manage": Visit("dsl", UPCOMING),
    "meetings.agenda_add_child": Visit("dsl", UPCOMING),
    "meetings.agenda_remove": Visit("dsl", {**UPCOMING, "item_id": "upcoming_item"}),
    "meetings.agenda_slot": Visit("dsl", {**UPCOMING, "item_id": "upcoming_item"}),
    "meetings.invitation_add": Visit("dsl", UPCOMING),
    "meetings.invitation_remove": Visit("dsl", UPCOMING),
    "meetings.invitation_answer": Visit("practitioner", UPCOMING),
    "meetings.present": Visit("link worker", OVERDUE),
    "meetings.attendance": Visit("link worker", OVERDUE),
    "meetings.uninvited_add": Visit("link worker", OVERDUE),
    "meetings.minutes": Visit("link worker"),
    "meetings.minutes_action_add": Visit("link worker", OVERDUE),
    "meetings.minutes_complete": Visit("link worker", OVERDUE),
    "meetings.family_version": Visit("link worker"),
    "requests.requests": Visit("link worker"),
    "requests.new": Visit("dsl"),
    "requests.consultation_new": Visit("dsl"),
    "requests.ifd": Visit("dsl"),
    "requests.request_page": Visit("link worker"),
    "requests.withdraw": Visit("dsl"),
    "reviews.reviews": Visit(("dsl", "link worker", "coordinator")),
    "flags.flags": Visit(("dsl", "practitioner", "coordinator")),
    "voice.entries": Visit("dsl"),
    "chronology.timeline": Visit(("dsl", "link worker"), rows={"child_id": "leo"}),
    "chronology.new": Visit("dsl"),
    "chronology.harm_review": Visit("dsl", rows={"child_id": "leo", "kind": "toolkit_kind"}),
    "voice.new": Visit("practitioner"),
    "voice.entry": Visit("dsl"),
    "voice.response": Visit("dsl"),
    "reviews.review": Visit("link worker"),
    "reviews.complete": Visit("link worker"),
    "reviews.rules": Visit("coordinator"),
    "sharing.lawful_bases": Visit("coordinator"),
    "sharing.lawful_basis_add": Visit("coordinator"),
    "sharing.lawful_basis_change": Visit("coordinator"),
    "reminders.notifications": Visit("link worker"),
}
UNREACHABLE = {
    "static": "a file from the static folder: no database",
    "auth.password_link": "its token is emailed once and only its hash is kept",
    "children.record_check": "no demo child has a record check (none asked to check numbers)",
    "meetings.series": "the demo books no series of meetings",
    "meetings.close_decision": (
        "the demo has no open decision: its minutes are history (tas.demo.meeting_day)"
    ),
    "meetings.minutes_plan_start": "every child on a demo agenda has an open plan already",
}
