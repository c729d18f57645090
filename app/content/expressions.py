"""The small, safe gate language used by `applies_if` and risk-tier `when` in checklists.

A gate is data, never code: a pydantic `Condition` with exactly one form, evaluated by walking it.

- `{question: P05, equals: "yes"}`          the profile answer equals the value
- `{question: P02, includes: pupils}`       a multi-choice answer contains the value
- `{question: P03, includes_any: [a, b]}`   a multi-choice answer contains at least one value
- `{all: [...]}`, `{any: [...]}`, `{not: {...}}`

An unanswered profile question matches nothing (so `not` of it matches).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import ConfigDict, Field, model_validator

from app.content.base import Items, StrictModel

FORMS = ("equals", "includes", "includes_any", "all", "any", "not")


class Condition(StrictModel):
    model_config = ConfigDict(populate_by_name=True)

    question: str | None = None
    equals: str | None = None
    includes: str | None = None
    includes_any: Items[str] | None = Field(default=None, min_length=1)
    all_of: Items[Condition] | None = Field(default=None, alias="all", min_length=1)
    any_of: Items[Condition] | None = Field(default=None, alias="any", min_length=1)
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _exactly_one_form(self) -> Condition:
        used = [name for name in FORMS if self._value(name) is not None]
        if len(used) != 1:
            raise ValueError(
                "a condition needs exactly one of equals, includes, includes_any, all, any, not"
                f" (found {', '.join(used) or 'none'})"
            )
        needs_question = used[0] in ("equals", "includes", "includes_any")
        if needs_question and not self.question:
            raise ValueError(f"`{used[0]}` needs `question` (a profile question id)")
        if not needs_question and self.question is not None:
            raise ValueError(f"`question` cannot be combined with `{used[0]}`")
        return self

    def _value(self, form: str) -> object:
        return {
            "equals": self.equals,
            "includes": self.includes,
            "includes_any": self.includes_any,
            "all": self.all_of,
            "any": self.any_of,
            "not": self.not_,
        }[form]

    def tests(self) -> Iterator[tuple[str, str, tuple[str, ...]]]:
        """Every leaf test as (question id, form, values), to cross-check against the profile."""
        if self.question is not None:
            if self.equals is not None:
                yield self.question, "equals", (self.equals,)
            elif self.includes is not None:
                yield self.question, "includes", (self.includes,)
            else:
                yield self.question, "includes_any", tuple(self.includes_any or ())
        for child in (self.all_of or ()) + (self.any_of or ()):
            yield from child.tests()
        if self.not_ is not None:
            yield from self.not_.tests()


def evaluate(condition: Condition | None, profile: Mapping[str, object]) -> bool:
    """True when `condition` holds for these profile answers; no condition always holds."""
    if condition is None:
        return True
    if condition.all_of is not None:
        return all(evaluate(child, profile) for child in condition.all_of)
    if condition.any_of is not None:
        return any(evaluate(child, profile) for child in condition.any_of)
    if condition.not_ is not None:
        return not evaluate(condition.not_, profile)
    answer = profile.get(condition.question or "")
    chosen = set(answer) if isinstance(answer, list | tuple) else ({answer} if answer else set())
    if condition.equals is not None:
        return answer == condition.equals
    if condition.includes is not None:
        return condition.includes in chosen
    return bool(chosen & set(condition.includes_any or ()))


def describe(condition: Condition | None, labels: Mapping[str, str] | None = None) -> str:
    """A plain-English reading of a gate, for help text ("Applies if: ...")."""
    if condition is None:
        return "always"
    labels = labels or {}
    if condition.all_of is not None:
        return " and ".join(_wrap(child, labels) for child in condition.all_of)
    if condition.any_of is not None:
        return " or ".join(_wrap(child, labels) for child in condition.any_of)
    if condition.not_ is not None:
        return f"not ({describe(condition.not_, labels)})"
    name = labels.get(condition.question or "", condition.question or "")
    if condition.equals is not None:
        return f"{name} is “{condition.equals}”"
    if condition.includes is not None:
        return f"{name} includes “{condition.includes}”"
    return f"{name} includes any of {', '.join(condition.includes_any or ())}"


def _wrap(condition: Condition, labels: Mapping[str, str]) -> str:
    text = describe(condition, labels)
    return f"({text})" if condition.all_of or condition.any_of else text
