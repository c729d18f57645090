"""The procurement scoring engine: checklist, profile and answers in; one explained result out.

Pure and deterministic (no Flask, no database, no clock). The rules, documented with a worked
example in checklists/README.md:

- Credit per scored question: the chosen option's credit (multi-choice: the sum of the chosen
  options' credits, at most 1). `unknown` and unanswered earn 0 and are evidence gaps. `na` (only
  where `allow_na`) drops the question out of its section. When `evidence_required` and no evidence
  link is given, credit is at most 0.5 (and it is an evidence gap) until evidence is added.
- Gated-out sections and questions (`applies_if` false) are ignored, whatever was answered there.
- Section score = weighted mean of credits x 100; overall = weighted mean of applicable section
  scores with the section weights (an average of averages, so a big section cannot swamp the rest).
- The score band comes from the (risk-tier) thresholds; then limits apply, the worst wins:
  knock-outs (bottom band), caps, unresolved knock-outs (unknown, unanswered or missing evidence:
  at best the second band), a section below `section_floor`, and evidence coverage below the
  tier's minimum. The score itself is never changed or hidden.

A result is written in English whoever computes it: it is frozen and hashed in a decision's
snapshot, so its words cannot depend on the reader. The engine's own words (`ANSWER_WORDS`, the
`LIMIT_REASONS` sentences) are marked for translation and said in the reader's language where
they are shown, from what is stored: `answer_words` and `limit_reason` (anything else, such as
checklist content, comes back as stored).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from functools import cache

from app.content.checklists import NOT_APPLICABLE, UNKNOWN, Checklist, Question, Section
from app.content.expressions import evaluate
from app.util.hashing import sha256_json
from app.util.i18n import N_, _, lazy_gettext

ENGINE_VERSION = "1.0.0"
EVIDENCE_MISSING_CREDIT_CAP = 0.5


class QuestionStatus(StrEnum):
    ANSWERED = "answered"
    UNKNOWN = "unknown"
    UNANSWERED = "unanswered"
    NOT_APPLICABLE = "na"
    GATED_OUT = "gated_out"  # its section, or the question, does not apply to this profile
    UNSCORED = "unscored"
    INVALID = "invalid"  # not an answer this question allows: earns nothing, and is reported


NOT_KNOWN_YET = (QuestionStatus.UNKNOWN, QuestionStatus.UNANSWERED, QuestionStatus.INVALID)
COUNTS_AS_ANSWERED = (QuestionStatus.ANSWERED, QuestionStatus.NOT_APPLICABLE)


class LimitKind(StrEnum):
    """The rules that can lower a rating below its score band."""

    KNOCKOUT = "knockout"
    CAP = "cap"
    UNRESOLVED_KNOCKOUT = "unresolved_knockout"
    SECTION_FLOOR = "section_floor"
    EVIDENCE_COVERAGE = "evidence_coverage"

    @property
    def label(self) -> str:
        return str(LIMIT_LABELS[self])


LIMIT_LABELS = {
    LimitKind.KNOCKOUT: lazy_gettext("Knock-out"),
    LimitKind.CAP: lazy_gettext("Cap"),
    LimitKind.UNRESOLVED_KNOCKOUT: lazy_gettext("Knock-out not resolved"),
    LimitKind.SECTION_FLOOR: lazy_gettext("Section below the floor"),
    LimitKind.EVIDENCE_COVERAGE: lazy_gettext("Not enough evidence"),
}


# The engine's words for an answer that is not one of the question's options, stored in English.
NOT_ANSWERED = N_("Not answered")
NOT_KNOWN = N_("Not known")
NOT_APPLICABLE_ANSWER = N_("Not applicable")
NONE_SELECTED = N_("None selected")  # a profile question with nothing ticked (the snapshot's)
NOT_IN_THIS_VERSION = N_("(not in this version)")  # a changed answer's question has gone
ANSWER_WORDS = frozenset(
    {NOT_ANSWERED, NOT_KNOWN, NOT_APPLICABLE_ANSWER, NONE_SELECTED, NOT_IN_THIS_VERSION}
)

# The sentences the engine writes as a limit's reason, stored in English with these values in
# them; `limit_reason` reads the values back out to say the sentence in the reader's language.
# A knock-out's or a cap's own reason is the checklist's, as written there.
LIMIT_REASONS: dict[str, tuple[str, ...]] = {
    LimitKind.UNRESOLVED_KNOCKOUT: (
        # TRANSLATORS: %(reason)s is the knock-out's reason from the questionnaire (in English).
        N_("Knock-out question not resolved: no evidence was given. %(reason)s"),
        N_("Knock-out question not resolved: the answer is not known yet. %(reason)s"),
    ),
    LimitKind.SECTION_FLOOR: (
        N_("Section “%(section)s” scored %(score)s, below the floor of %(floor)s."),
    ),
    LimitKind.EVIDENCE_COVERAGE: (
        # TRANSLATORS: %(tier)s is the risk tier's name from the questionnaire, in lower case.
        N_(
            "Evidence coverage is %(coverage)s%%, below the %(minimum)s%% required for the "
            "%(tier)s tier."
        ),
    ),
}


class GapReason(StrEnum):
    UNKNOWN = "unknown"
    UNANSWERED = "unanswered"
    EVIDENCE_MISSING = "evidence_missing"


@dataclass(frozen=True)
class AnswerInput:
    """One answer as given: an option value (a tuple for multi-choice), `unknown`, `na` or None."""

    value: str | tuple[str, ...] | None = None
    note: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    section_id: str
    text: str
    type: str
    weight: int
    status: QuestionStatus
    answer: str | list[str] | None
    answer_label: str
    credit: float | None
    evidence_required: bool
    evidence_missing: bool
    points_lost: float
    score_impact: float
    references: list[str]
    remediation: str
    note: str
    evidence: list[str]
    blocking: bool = False


@dataclass(frozen=True)
class SectionResult:
    section_id: str
    title: str
    weight: int
    applicable: bool
    score: float | None
    questions: int
    answered: int


@dataclass(frozen=True)
class Limit:
    kind: LimitKind
    band: str
    band_label: str
    reason: str
    question_id: str | None = None
    question_text: str | None = None
    answer: str | list[str] | None = None
    answer_label: str | None = None
    references: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EvidenceGap:
    question_id: str
    text: str
    reason: GapReason


@dataclass(frozen=True)
class Result:
    checklist_id: str
    checklist_version: str
    engine_version: str
    inputs_hash: str
    score: float
    score_band: str
    band: str
    band_label: str
    band_index: int
    bottom_band: bool
    top_band: bool
    risk_tier: str
    risk_tier_label: str
    thresholds: dict[str, float]
    answered_coverage: float
    evidence_coverage: float
    sections: list[SectionResult]
    questions: list[QuestionResult]
    limits: list[Limit]
    points_lost: list[QuestionResult]
    evidence_gaps: list[EvidenceGap]
    problems: list[str]

    def to_dict(self) -> dict:
        return _as_dict(self)  # type: ignore[return-value]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))


_FIELDS: dict[type, tuple[str, ...]] = {}


def _as_dict(value: object) -> object:
    """What `dataclasses.asdict` returns, without its deep copies: a result holds only
    dataclasses, lists, tuples and dicts of strings, numbers, enums and None, none of which
    needs copying (asdict spent half the time of scoring a 91-question draft copying them)."""
    if isinstance(value, (str, int, float)) or value is None:
        return value
    names = _FIELDS.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.setdefault(type(value), tuple(f.name for f in fields(value)))
    if names is not None:
        return {name: _as_dict(getattr(value, name)) for name in names}
    if isinstance(value, list):
        return [_as_dict(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_as_dict(item) for item in value)
    if isinstance(value, dict):
        return {_as_dict(key): _as_dict(item) for key, item in value.items()}
    raise TypeError(f"a scoring result cannot hold {type(value).__name__}")


# --- entry point ---------------------------------------------------------------------------


def score_assessment(
    checklist: Checklist,
    profile: Mapping[str, object],
    answers: Mapping[str, AnswerInput],
) -> Result:
    """Score `answers` against `checklist` for these profile answers; see the module docstring."""
    profile = _normalise_profile(checklist, profile)
    section_applies = {s.id: evaluate(s.applies_if, profile) for s in checklist.sections}
    problems: list[str] = []
    graded: dict[str, _Graded] = {}
    for section in checklist.sections:
        for question in section.questions:
            applies = section_applies[section.id] and evaluate(question.applies_if, profile)
            given = answers.get(question.id, AnswerInput())
            graded[question.id] = _grade(checklist, question, given, applies, problems)

    tallies = {s.id: _tally(s, graded, section_applies[s.id]) for s in checklist.sections}
    sections = [tally.result() for tally in tallies.values()]
    applicable = [tally for tally in tallies.values() if tally.applicable]
    total_weight = sum(tally.section.weight for tally in applicable)
    raw_score = (
        sum(tally.section.weight * tally.raw_score for tally in applicable) / total_weight
        if total_weight
        else 0.0
    )
    score = round(raw_score, 1)

    tier = next(t for t in checklist.rating.risk_tiers if evaluate(t.when, profile))
    thresholds = {b.id: tier.min_scores.get(b.id, b.min_score) for b in checklist.rating.bands}
    band_ids = [band.id for band in checklist.rating.bands]
    score_band = next(b for b in band_ids if score >= thresholds[b])

    scored = [g for g in graded.values() if g.counts]
    answered_coverage = _percent(sum(g.status in COUNTS_AS_ANSWERED for g in scored), len(scored))
    needs_evidence = [
        g
        for g in scored
        if g.question.evidence_required and g.status != QuestionStatus.NOT_APPLICABLE
    ]
    evidence_coverage = _percent(sum(bool(g.evidence) for g in needs_evidence), len(needs_evidence))

    limits = _limits(checklist, graded, sections, tier, evidence_coverage)
    band_index = max([band_ids.index(score_band)] + [band_ids.index(lim.band) for lim in limits])
    band = checklist.rating.bands[band_index]
    blocking = {lim.question_id for lim in limits if lim.question_id}
    questions = [
        _question_result(checklist, g, total_weight, tallies, blocking) for g in graded.values()
    ]
    order = {q.question_id: index for index, q in enumerate(questions)}
    points_lost = sorted(
        (q for q in questions if q.points_lost > 0 or (q.blocking and q.credit is not None)),
        key=lambda q: (not q.blocking, -q.points_lost, -q.score_impact, order[q.question_id]),
    )
    gaps = [
        EvidenceGap(g.question.id, g.question.text, reason)
        for g in graded.values()
        if g.counts and (reason := g.gap_reason)
    ]
    return Result(
        checklist_id=checklist.id,
        checklist_version=checklist.version,
        engine_version=ENGINE_VERSION,
        inputs_hash=inputs_hash(checklist, profile, graded),
        score=score,
        score_band=score_band,
        band=band.id,
        band_label=band.label,
        band_index=band_index,
        bottom_band=band_index == len(band_ids) - 1,
        top_band=band_index == 0,
        risk_tier=tier.id,
        risk_tier_label=tier.label,
        thresholds=thresholds,
        answered_coverage=answered_coverage,
        evidence_coverage=evidence_coverage,
        sections=sections,
        questions=questions,
        limits=limits,
        points_lost=points_lost,
        evidence_gaps=gaps,
        problems=problems,
    )


# --- per question ----------------------------------------------------------------------------


@dataclass
class _Graded:
    question: Question
    applies: bool
    status: QuestionStatus
    value: str | tuple[str, ...] | None
    credit: float | None
    evidence_missing: bool
    note: str
    evidence: tuple[str, ...]

    @property
    def counts(self) -> bool:
        """Scored and applicable (N/A questions still count for answered coverage)."""
        return self.applies and self.question.scored

    @property
    def in_denominator(self) -> bool:
        return self.counts and self.status != QuestionStatus.NOT_APPLICABLE

    @property
    def rule_value(self) -> str | tuple[str, ...] | None:
        """The value knock-out and cap rules see: unanswered counts as unknown."""
        return UNKNOWN if self.status in NOT_KNOWN_YET else self.value

    @property
    def gap_reason(self) -> GapReason | None:
        if self.status in NOT_KNOWN_YET:
            if self.status == QuestionStatus.UNKNOWN:
                return GapReason.UNKNOWN
            return GapReason.UNANSWERED
        return GapReason.EVIDENCE_MISSING if self.evidence_missing else None


def _grade(checklist, question: Question, given: AnswerInput, applies: bool, problems) -> _Graded:
    note = (given.note or "").strip()
    evidence = tuple(sorted({e.strip() for e in given.evidence if e and e.strip()}))
    value = _normalise_value(question, given.value)
    if not applies:
        return _Graded(question, False, QuestionStatus.GATED_OUT, None, None, False, "", ())
    if not question.scored:
        text = value if isinstance(value, str) else None
        return _Graded(question, True, QuestionStatus.UNSCORED, text, None, False, note, evidence)
    if value is None:
        return _Graded(question, True, QuestionStatus.UNANSWERED, None, 0.0, False, note, evidence)
    if value == UNKNOWN:
        return _Graded(question, True, QuestionStatus.UNKNOWN, UNKNOWN, 0.0, False, note, evidence)
    if value == NOT_APPLICABLE:
        if question.allow_na:
            return _Graded(
                question,
                True,
                QuestionStatus.NOT_APPLICABLE,
                NOT_APPLICABLE,
                None,
                False,
                note,
                evidence,
            )
        problems.append(f"{question.id}: N/A is not allowed for this question")
        return _Graded(question, True, QuestionStatus.INVALID, None, 0.0, False, note, evidence)
    credits = {option.value: option.credit or 0.0 for option in checklist.options_for(question)}
    chosen = value if isinstance(value, tuple) else (value,)
    if not chosen or any(v not in credits for v in chosen):
        problems.append(f"{question.id}: {value!r} is not an answer to this question")
        return _Graded(question, True, QuestionStatus.INVALID, None, 0.0, False, note, evidence)
    credit = min(1.0, sum(credits[v] for v in chosen))
    evidence_missing = question.evidence_required and not evidence and credit > 0
    if evidence_missing:
        credit = min(credit, EVIDENCE_MISSING_CREDIT_CAP)
    return _Graded(
        question, True, QuestionStatus.ANSWERED, value, credit, evidence_missing, note, evidence
    )


def _normalise_value(question: Question, value: object) -> str | tuple[str, ...] | None:
    if value is None or value == "" or value == () or value == []:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        values = tuple(sorted({str(v) for v in value if v}))
        if question.type == "multi_choice":
            if UNKNOWN in values or NOT_APPLICABLE in values:
                return UNKNOWN if UNKNOWN in values else NOT_APPLICABLE
            return values or None
        return values[0] if len(values) == 1 else values
    text = str(value).strip()
    if question.type == "multi_choice" and text not in (UNKNOWN, NOT_APPLICABLE):
        return (text,)
    return text or None


def _normalise_profile(checklist: Checklist, profile: Mapping[str, object]) -> dict:
    clean: dict[str, object] = {}
    for question in checklist.profile:
        value = profile.get(question.id)
        if question.type == "multi_choice":
            values = value if isinstance(value, list | tuple) else ([value] if value else [])
            clean[question.id] = sorted({str(v) for v in values if v})
        elif value not in (None, ""):
            clean[question.id] = str(value)
    return clean


# --- sections, limits, explanation ----------------------------------------------------------


@dataclass(frozen=True)
class _SectionTally:
    """One section's scored questions and its average, worked out once per result."""

    section: Section
    applies: bool
    rows: list[_Graded]  # scored, applicable questions (N/A included)
    in_score: list[_Graded]  # the questions in the average (N/A excluded)
    possible: int  # their weights
    earned: float

    @property
    def applicable(self) -> bool:
        return self.applies and bool(self.in_score)

    @property
    def raw_score(self) -> float:
        return 100 * self.earned / self.possible

    def result(self) -> SectionResult:
        return SectionResult(
            section_id=self.section.id,
            title=self.section.title,
            weight=self.section.weight,
            applicable=self.applicable,
            score=round(self.raw_score, 1) if self.applicable else None,
            questions=len(self.rows),
            answered=sum(g.status in COUNTS_AS_ANSWERED for g in self.rows),
        )


def _tally(section: Section, graded: dict[str, _Graded], applies: bool) -> _SectionTally:
    rows = [graded[q.id] for q in section.questions if graded[q.id].counts]
    in_score = [g for g in rows if g.in_denominator]
    possible = sum(g.question.weight for g in in_score)
    earned = sum(g.question.weight * (g.credit or 0) for g in in_score)
    return _SectionTally(section, applies, rows, in_score, possible, earned)


def _limits(checklist, graded, sections, tier, evidence_coverage) -> list[Limit]:
    bands = checklist.rating.bands
    bottom, second = bands[-1], bands[1]
    limits: list[Limit] = []
    for g in graded.values():
        if not g.counts or g.status == QuestionStatus.NOT_APPLICABLE:
            continue
        question, seen = g.question, _rule_values(g.rule_value)
        fired = False
        if question.knockout and seen & set(question.knockout.when):
            limits.append(
                _question_limit(checklist, LimitKind.KNOCKOUT, bottom, question.knockout, g)
            )
            continue
        if question.cap and seen & set(question.cap.when):
            limits.append(
                _question_limit(
                    checklist, LimitKind.CAP, checklist.band(question.cap.band), question.cap, g
                )
            )
            fired = True
        if question.knockout and not fired and (g.rule_value == UNKNOWN or g.evidence_missing):
            no_evidence, not_known = LIMIT_REASONS[LimitKind.UNRESOLVED_KNOCKOUT]
            reason = (no_evidence if g.evidence_missing else not_known) % {
                "reason": question.knockout.reason
            }
            limits.append(
                _question_limit(checklist, LimitKind.UNRESOLVED_KNOCKOUT, second, None, g, reason)
            )
    floor = checklist.rating.section_floor
    for section in sections:
        if floor is not None and section.score is not None and section.score < floor:
            (sentence,) = LIMIT_REASONS[LimitKind.SECTION_FLOOR]
            reason = sentence % {
                "section": section.title,
                "score": f"{section.score:g}",
                "floor": f"{floor:g}",
            }
            limits.append(Limit(LimitKind.SECTION_FLOOR, second.id, second.label, reason))
    minimum = tier.min_evidence_coverage
    if minimum is not None and evidence_coverage < minimum:
        (sentence,) = LIMIT_REASONS[LimitKind.EVIDENCE_COVERAGE]
        reason = sentence % {
            "coverage": f"{evidence_coverage:g}",
            "minimum": f"{minimum:g}",
            "tier": tier.label.lower(),
        }
        limits.append(Limit(LimitKind.EVIDENCE_COVERAGE, second.id, second.label, reason))
    return limits


def _rule_values(value) -> set[str]:
    if value is None:
        return set()
    return set(value) if isinstance(value, tuple) else {value}


def _question_limit(checklist, kind, band, rule, g: _Graded, reason: str | None = None) -> Limit:
    question = g.question
    return Limit(
        kind=kind,
        band=band.id,
        band_label=band.label,
        reason=reason or rule.reason,
        question_id=question.id,
        question_text=question.text,
        answer=_plain(g.rule_value),
        answer_label=answer_label(checklist, question, g.rule_value),
        references=[str(ref) for ref in question.references],
    )


def _question_result(checklist, g: _Graded, total_weight, tallies, blocking) -> QuestionResult:
    question = g.question
    section = checklist.section_of[question.id]
    points_lost = impact = 0.0
    if g.in_denominator and total_weight:
        missing = 1 - (g.credit or 0)
        points_lost = round(question.weight * missing, 2)
        possible = tallies[section.id].possible
        impact = round(
            100 * section.weight / total_weight * question.weight / possible * missing, 2
        )
    return QuestionResult(
        question_id=question.id,
        section_id=section.id,
        text=question.text,
        type=question.type,
        weight=question.weight,
        status=g.status,
        answer=_plain(g.value),
        answer_label=answer_label(checklist, question, g.value)
        if g.status != QuestionStatus.GATED_OUT
        else "",
        credit=g.credit,
        evidence_required=question.evidence_required,
        evidence_missing=g.evidence_missing,
        points_lost=points_lost,
        score_impact=impact,
        references=[str(ref) for ref in question.references],
        remediation=question.remediation.strip(),
        note=g.note,
        evidence=list(g.evidence),
        blocking=question.id in blocking,
    )


def answer_label(checklist: Checklist, question: Question, value) -> str:
    """The words a person chose, as a result stores them ("Yes", "Not known", "Not
    applicable"): an option's label, or the engine's English words (see `answer_words`)."""
    if value is None:
        return NOT_ANSWERED
    if value == UNKNOWN:
        return NOT_KNOWN
    if value == NOT_APPLICABLE:
        return NOT_APPLICABLE_ANSWER
    if not question.scored:
        return str(value)
    labels = {option.value: option.label for option in checklist.options_for(question)}
    values = value if isinstance(value, tuple | list) else (value,)
    return ", ".join(labels.get(v) or str(v) for v in values)


# --- a stored result's words in the reader's language ------------------------------------------


def answer_words(label: str) -> str:
    """A stored answer label as a page shows it: the engine's own words ("Not known") in the
    reader's language; an option's label (checklist content) or anything else as stored."""
    return _(label) if label in ANSWER_WORDS else label


def limit_reason(limit: Mapping) -> str:
    """A stored limit's reason in the reader's language: the engine's sentence for its kind,
    with the values read back out of the English; otherwise (a knock-out's or a cap's reason
    from the checklist, or a sentence this version does not write) the reason as stored."""
    reason = str(limit.get("reason") or "")
    for sentence in LIMIT_REASONS.get(str(limit.get("kind")), ()):
        found = _pattern(sentence).fullmatch(reason)
        if found is not None:
            return _(sentence, **found.groupdict())
    return reason


@cache
def _pattern(sentence: str) -> re.Pattern[str]:
    """A regular expression matching `sentence` filled in, one named group per placeholder."""
    parts, start = [], 0
    for placeholder in re.finditer(r"%\((\w+)\)s|%%", sentence):
        parts.append(re.escape(sentence[start : placeholder.start()]))
        name = placeholder.group(1)
        parts.append(f"(?P<{name}>.*?)" if name else "%")
        start = placeholder.end()
    parts.append(re.escape(sentence[start:]))
    return re.compile("".join(parts), re.DOTALL)


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 100.0


def inputs_hash(checklist: Checklist, profile: dict, graded: dict[str, _Graded]) -> str:
    """SHA-256 of the canonical inputs: checklist content, profile, effective answers, engine."""
    answers = {
        qid: {"value": _plain(g.value), "note": g.note, "evidence": list(g.evidence)}
        for qid, g in graded.items()
        if g.applies and (g.value is not None or g.note or g.evidence)
    }
    return sha256_json(
        {
            "checklist": [checklist.id, checklist.version, checklist.content_hash],
            "profile": profile,
            "answers": answers,
            "engine": ENGINE_VERSION,
        }
    )
