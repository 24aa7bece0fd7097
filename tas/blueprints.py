"""Every blueprint, and every module that adds pages to one.

A views module adds its pages with @bp.route, on the blueprint its package makes in __init__;
importing the module is what adds them. This is the one list of those modules, so where a page
lives is found here, not through a chain of modules registering each other."""

from flask import Blueprint

from tas.audit import bp as audit
from tas.audit import views as audit_views
from tas.auth import bp as auth
from tas.auth import views as auth_views
from tas.auth.factors import views as auth_factors_views
from tas.children import bp as children
from tas.children import views as children_views
from tas.children.agreements import views as children_agreements_views
from tas.children.family import views as children_family_views
from tas.children.record_checks import views as children_record_checks_views
from tas.children.schools import views as children_schools_views
from tas.children.sharing import bp as sharing
from tas.children.sharing import views as children_sharing_views
from tas.chronology import bp as chronology
from tas.chronology import views as chronology_views
from tas.flags import bp as flags
from tas.flags import views as flags_views
from tas.ical import bp as ical
from tas.ical import views as ical_views
from tas.levels import bp as levels
from tas.levels import views as levels_views
from tas.levels.handover import views as levels_handover_views
from tas.levels.referrals import views as levels_referrals_views
from tas.levels.social_workers import views as levels_social_workers_views
from tas.meetings import bp as meetings
from tas.meetings import views as meetings_views
from tas.meetings.agenda import views as meetings_agenda_views
from tas.meetings.booking import views as meetings_booking_views
from tas.meetings.day import views as meetings_day_views
from tas.meetings.decisions import views as meetings_decisions_views
from tas.meetings.invitations import views as meetings_invitations_views
from tas.meetings.lists import views as meetings_lists_views
from tas.meetings.minutes import views as meetings_minutes_views
from tas.meetings.requests import bp as requests
from tas.meetings.requests import views as meetings_requests_views
from tas.meetings.rooms import views as meetings_rooms_views
from tas.meetings.terms import views as meetings_terms_views
from tas.organisations import bp as organisations
from tas.organisations import views as organisations_views
from tas.organisations.users import views as organisations_user_views
from tas.outbox import bp as outbox
from tas.outbox import views as outbox_views
from tas.pages import bp as pages
from tas.pages import views as pages_views
from tas.plans import bp as plans
from tas.plans import views as plans_views
from tas.plans.actions import bp as actions
from tas.plans.actions import views as plans_actions_views
from tas.plans.gp import bp as gp
from tas.plans.gp import views as plans_gp_views
from tas.plans.involvements import views as plans_involvements_views
from tas.plans.outcomes import views as plans_outcomes_views
from tas.reminders import bp as reminders
from tas.reminders import views as reminders_views
from tas.reviews import bp as reviews
from tas.reviews import views as reviews_views
from tas.reviews.review_rules import views as reviews_review_rules_views
from tas.voice import bp as voice
from tas.voice import views as voice_views
from tas.work import bp as work
from tas.work import views as work_views

BLUEPRINTS: tuple[Blueprint, ...] = (
    pages,
    auth,
    organisations,
    children,
    plans,
    actions,
    gp,
    sharing,
    meetings,
    requests,
    ical,
    levels,
    reviews,
    voice,
    chronology,
    flags,
    reminders,
    work,
    outbox,
    audit,
)

# The modules whose @bp.route decorators add the pages (imported for that alone).
VIEWS = (
    audit_views,
    auth_factors_views,
    auth_views,
    children_agreements_views,
    children_family_views,
    children_record_checks_views,
    children_schools_views,
    children_sharing_views,
    children_views,
    chronology_views,
    flags_views,
    levels_handover_views,
    levels_referrals_views,
    levels_social_workers_views,
    ical_views,
    levels_views,
    meetings_agenda_views,
    meetings_booking_views,
    meetings_day_views,
    meetings_decisions_views,
    meetings_invitations_views,
    meetings_lists_views,
    meetings_minutes_views,
    meetings_requests_views,
    meetings_rooms_views,
    meetings_terms_views,
    meetings_views,
    organisations_user_views,
    organisations_views,
    outbox_views,
    pages_views,
    plans_actions_views,
    plans_gp_views,
    plans_involvements_views,
    plans_outcomes_views,
    plans_views,
    reminders_views,
    reviews_review_rules_views,
    reviews_views,
    voice_views,
    work_views,
)
