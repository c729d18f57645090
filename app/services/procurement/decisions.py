"""The decision rules, as data: which outcomes a result allows, which need a stated departure from
the rating, how long a decision stays valid, and the wording of every refusal (no Flask imports).

`DECISION_RULES` is the whole policy, and `rules_table()` prints it for checklists/README.md (a
test keeps the two equal). The first rule whose situation matches the result applies: a fired
knock-out, then a knock-out question not answered, allow only rejection; the bottom band (by
score or caps) allows approval with conditions only as a stated departure a DPO accepts; a
middle band allows conditions; the top band allows everything.

Every decision is proposed by one person and signed off by a DPO of the school (the services in
`sign_off.py`); the rules are checked at both steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.content.checklists import Checklist
from app.models.procurement import ConditionOwner, Decision
from app.services.procurement.scoring import NOT_KNOWN_YET, LimitKind, answer_words
from app.util.dates import add_months
from app.util.hashing import sha256_json
from app.util.i18n import _, lazy_gettext

TOP_BAND_MONTHS = 12
CONDITIONAL_MONTHS = 6
MAX_CONDITIONS = 6


class DecisionError(ValueError):
    """A decision rule was broken; the message is shown to the user as it is."""


class Situation(StrEnum):
    KNOCKOUT = "knockout"
    UNRESOLVED_KNOCKOUT = "unresolved_knockout"
    BOTTOM_BAND = "bottom_band"
    MIDDLE_BAND = "middle_band"
    TOP_BAND = "top_band"


@dataclass(frozen=True)
class DecisionRule:
    situation: Situation
    when: str  # the situation, for people
    allowed: tuple[Decision, ...]
    departure: tuple[Decision, ...]  # allowed only with a departure reason a DPO accepts
    refusal: str  # why the other outcomes are refused; {questions} names the questions
    way_forward: str


DECISION_RULES = (
    DecisionRule(
        Situation.KNOCKOUT,
        lazy_gettext("A knock-out fired"),
        (Decision.REJECT,),
        (),
        lazy_gettext(
            "A knock-out fired ({questions}): the product cannot be approved in any form, with or "
            "without conditions."
        ),
        lazy_gettext("Reject it. If the supplier changes what it does, start a re-assessment."),
    ),
    DecisionRule(
        Situation.UNRESOLVED_KNOCKOUT,
        lazy_gettext("A knock-out question is answered “Not known” or not answered"),
        (Decision.REJECT,),
        (),
        lazy_gettext(
            "Knock-out questions are not answered yet ({questions}): the product cannot be "
            "approved in any form until they are."
        ),
        lazy_gettext("Find out the answers from the supplier and change them, or reject."),
    ),
    DecisionRule(
        Situation.BOTTOM_BAND,
        lazy_gettext("Rated in the bottom band (Red) by score or by caps"),
        (Decision.CONDITIONAL, Decision.REJECT),
        (Decision.CONDITIONAL,),
        lazy_gettext("A product rated {band} cannot be approved outright."),
        lazy_gettext(
            "Reject it, or approve it with conditions: that departs from the rating, needs the "
            "reason for departing, and a DPO must accept it; the report's cover says so."
        ),
    ),
    DecisionRule(
        Situation.MIDDLE_BAND,
        lazy_gettext("Rated in a middle band (Amber)"),
        (Decision.CONDITIONAL, Decision.REJECT),
        (),
        lazy_gettext("A product rated {band} cannot be approved outright."),
        lazy_gettext("Approve it with conditions that close the gaps, or reject it."),
    ),
    DecisionRule(
        Situation.TOP_BAND,
        lazy_gettext("Rated in the top band (Green)"),
        (Decision.APPROVE, Decision.CONDITIONAL, Decision.REJECT),
        (),
        "",
        lazy_gettext("Approve it, with conditions if something still needs doing, or reject it."),
    ),
)
RULES_BY_SITUATION = {rule.situation: rule for rule in DECISION_RULES}


def rules_table() -> str:
    """The rules as the Markdown table in checklists/README.md."""

    def outcomes(decisions: tuple[Decision, ...]) -> str:
        return ", ".join(d.label.lower() for d in decisions) or "-"

    lines = [
        "| situation (the first that matches applies) | allowed | only as a departure a DPO "
        "accepts | the way forward |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r.when} | {outcomes(r.allowed)} | {outcomes(r.departure)} | {r.way_forward} |"
        for r in DECISION_RULES
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Blockers:
    """What stops an approval: knock-outs that fired, and knock-out questions not answered."""

    fired: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()


def knockout_summary(checklist: Checklist, result: dict) -> dict:
    """The knock-outs that fired and the knock-out questions not answered yet (Not known, no
    answer), each as {question_id, text, answer_label}; built into every snapshot."""
    fired = [_brief(lim) for lim in result["limits"] if lim["kind"] == LimitKind.KNOCKOUT.value]
    unresolved = [
        _brief(q)
        for q in result["questions"]
        if q["status"] in NOT_KNOWN_YET
        and (question := checklist.questions.get(q["question_id"])) is not None
        and question.knockout is not None
    ]
    return {"fired": fired, "unresolved": unresolved}


def _brief(row: dict) -> dict:
    return {
        "question_id": row["question_id"],
        "text": row.get("question_text") or row.get("text"),
        "answer_label": row["answer_label"],
    }


def rule_for(result: dict, knockouts: dict) -> DecisionRule:
    if knockouts["fired"]:
        return RULES_BY_SITUATION[Situation.KNOCKOUT]
    if knockouts["unresolved"]:
        return RULES_BY_SITUATION[Situation.UNRESOLVED_KNOCKOUT]
    if result["bottom_band"]:
        return RULES_BY_SITUATION[Situation.BOTTOM_BAND]
    if result["top_band"]:
        return RULES_BY_SITUATION[Situation.TOP_BAND]
    return RULES_BY_SITUATION[Situation.MIDDLE_BAND]


@dataclass(frozen=True)
class Options:
    """What the decision page offers for one result, and why the rest is refused."""

    rule: DecisionRule
    refusal: str

    @property
    def allowed(self) -> tuple[Decision, ...]:
        return self.rule.allowed

    @property
    def departure(self) -> tuple[Decision, ...]:
        return self.rule.departure


def options_for(result: dict, knockouts: dict) -> Options:
    rule = rule_for(result, knockouts)
    named = knockouts["fired"] or knockouts["unresolved"]
    questions = ", ".join(
        f"{k['question_id']} {answer_words(k['answer_label'])}" for k in named[:8]
    )
    if len(named) > 8:
        questions += " " + _("and %(num)d more", num=len(named) - 8)
    return Options(rule, rule.refusal.format(questions=questions, band=band_name(result)))


def band_name(result: dict) -> str:
    """The band's name for sentences: "Amber" from "Amber: approve with conditions"."""
    return result["band_label"].split(":")[0].strip()


@dataclass(frozen=True)
class ConditionInput:
    text: str
    owner_kind: ConditionOwner
    owner_name: str  # the user's name, or the supplier contact's
    due_on: date
    owner_user_id: int | None = None

    def as_record(self) -> dict:
        return {
            "text": self.text,
            "owner": self.owner_name,
            "owner_kind": self.owner_kind.value,
            "owner_user_id": self.owner_user_id,
            "due_on": self.due_on.isoformat(),
        }

    @classmethod
    def from_record(cls, record: dict) -> ConditionInput:
        return cls(
            text=record["text"],
            owner_kind=ConditionOwner(record.get("owner_kind", ConditionOwner.SUPPLIER)),
            owner_name=record["owner"],
            due_on=date.fromisoformat(record["due_on"]),
            owner_user_id=record.get("owner_user_id"),
        )


@dataclass(frozen=True)
class ProposalInput:
    """What a proposer chose and typed."""

    outcome: str
    reason: str
    departure_reason: str = ""
    conditions: tuple[ConditionInput, ...] = ()


def check_decision(
    proposal: ProposalInput, result: dict, knockouts: dict, *, today: date
) -> Decision:
    """The outcome as a Decision; raises DecisionError with a clear message if it breaks a rule."""
    if proposal.outcome not in set(Decision):
        raise DecisionError(_("Choose approve, approve with conditions or reject"))
    outcome = Decision(proposal.outcome)
    options = options_for(result, knockouts)
    if outcome not in options.allowed:
        raise DecisionError(f"{options.refusal} {options.rule.way_forward}")
    if not proposal.reason.strip():
        raise DecisionError(_("Give the reason for the decision"))
    if outcome in options.departure and not proposal.departure_reason.strip():
        raise DecisionError(
            _(
                "Approving a product rated %(band)s departs from the rating: give the "
                "reason for departing from it",
                band=band_name(result),
            )
        )
    if outcome == Decision.CONDITIONAL and not proposal.conditions:
        raise DecisionError(_("Add at least one condition, with an owner and a due date"))
    if len(proposal.conditions) > MAX_CONDITIONS:
        raise DecisionError(_("Add at most %(num)d conditions", num=MAX_CONDITIONS))
    until = valid_until(outcome, today)
    for condition in proposal.conditions:
        if condition.due_on < today:
            raise DecisionError(
                _("The due date for “%(condition)s” is in the past", condition=condition.text[:40])
            )
        if until is not None and condition.due_on > until:
            raise DecisionError(
                _(
                    "The due date for “%(condition)s” is after the decision would lapse "
                    "(%(date)s): every condition must be due while it is valid",
                    condition=condition.text[:40],
                    date=until.isoformat(),
                )
            )
    return outcome


def valid_until(outcome: Decision, decided_on: date) -> date | None:
    """Approval lasts 12 months, approval with conditions 6 (its conditions are due within
    them, and tracked until met); a rejection does not lapse."""
    if outcome == Decision.APPROVE:
        return add_months(decided_on, TOP_BAND_MONTHS)
    if outcome == Decision.CONDITIONAL:
        return add_months(decided_on, CONDITIONAL_MONTHS)
    return None


def departs_from_rating(outcome: Decision, result: dict, knockouts: dict) -> bool:
    return outcome in options_for(result, knockouts).departure


def snapshot_hash(snapshot: dict) -> str:
    return sha256_json(snapshot)
