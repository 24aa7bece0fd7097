"""tas.plans.models.OutcomeProgress kept in step with the scores: after every flush that adds,
changes or removes scores, their outcomes' periods of progress are worked out again in the
database, in the same transaction and one statement (window functions, on SQLite and
PostgreSQL alike), so no code that writes scores can leave them behind. `rebuild` does the same
for every outcome at once, after a bulk load (tas.benchmark)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, case, delete, event, func, insert, null, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tas.plans.models import Outcome, OutcomeProgress, OutcomeScore

COLUMNS = ("outcome_id", "plan_id", "from_on", "until_on")


def periods(outcome_ids: list[int] | None) -> Select:
    """The periods of progress of these outcomes (None: of every outcome): each score with a
    higher score after it is the baseline from its day (the first score: from any day before
    it) until the next score's day. The same statement as migration 0023's."""
    order = (OutcomeScore.scored_on, OutcomeScore.id)
    scores = select(
        OutcomeScore.outcome_id,
        Outcome.plan_id,
        OutcomeScore.scored_on,
        OutcomeScore.score,
        func.row_number()
        .over(partition_by=OutcomeScore.outcome_id, order_by=order)
        .label("position"),
        func.lead(OutcomeScore.scored_on)
        .over(partition_by=OutcomeScore.outcome_id, order_by=order)
        .label("next_on"),
        func.max(OutcomeScore.score)
        .over(partition_by=OutcomeScore.outcome_id, order_by=order, rows=(1, None))
        .label("best_after"),
    ).join(Outcome, Outcome.id == OutcomeScore.outcome_id)
    if outcome_ids is not None:
        scores = scores.where(OutcomeScore.outcome_id.in_(outcome_ids))
    scores = scores.subquery()
    first = scores.c.position == 1
    return select(
        scores.c.outcome_id,
        scores.c.plan_id,
        case((first, null()), else_=scores.c.scored_on),
        scores.c.next_on,
    ).where(
        scores.c.best_after > scores.c.score,
        # A later score on the same day is the baseline of that day, never this one.
        or_(first, scores.c.next_on > scores.c.scored_on),
    )


def rebuild(connection: Connection, outcome_ids: list[int] | None = None) -> None:
    """Work the periods of these outcomes (None: every outcome) out again."""
    gone = delete(OutcomeProgress)
    if outcome_ids is not None:
        gone = gone.where(OutcomeProgress.outcome_id.in_(outcome_ids))
    connection.execute(gone)
    connection.execute(insert(OutcomeProgress).from_select(COLUMNS, periods(outcome_ids)))


def improved_on(plan_id: ColumnElement[int], day: ColumnElement) -> ColumnElement[bool]:
    """The plan has an outcome whose baseline on `day` has a higher score after it: an indexed
    question, whatever the number of scores."""
    return (
        select(OutcomeProgress.id)
        .where(
            OutcomeProgress.plan_id == plan_id,
            OutcomeProgress.until_on > day,
            or_(OutcomeProgress.from_on.is_(None), OutcomeProgress.from_on <= day),
        )
        .exists()
    )


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, _context) -> None:
    """After a flush that wrote scores, their outcomes' periods, in the same transaction."""
    changed = {
        row.outcome_id
        for row in (*session.new, *session.dirty, *session.deleted)
        if isinstance(row, OutcomeScore) and row.outcome_id is not None
    }
    if changed:
        rebuild(session.connection(), sorted(changed))
