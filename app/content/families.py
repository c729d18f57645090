"""Content for families: the DfE objection letter, the school census notice, families' rights and
the statutory returns a school's record of processing starts from. One YAML file each in
`families/`, validated as strictly as training content (see families/README.md).

Every statement names the sources it rests on (ids from the file's own `sources` list); a source
no statement uses, a statement without a source, an unknown source id or an unknown
`{placeholder}` is a problem. Placeholders are filled per school when a page is shown; anything
a family must write in themselves is written `[like this]` and stays as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator

from app.content.base import HTTPS_URL, KEBAB, SEMVER, StrictModel, validate
from app.content.problems import ContentProblem, display_path
from app.content.yaml_loading import load_yaml_file

Text = Annotated[str, Field(min_length=1)]
Kebab = Annotated[str, Field(pattern=KEBAB)]

# What a school fills in; anything else in braces is a typo.
PLACEHOLDERS = frozenset(
    {"school_name", "privacy_contact", "privacy_email", "privacy_postal", "public_page_url"}
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _iso_date(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError('must be a quoted ISO date such as "2026-12-01"')
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f'{value!r} is not a real date such as "2026-12-01"') from None
    return value


class SourceSchema(StrictModel):
    id: Kebab
    publisher: Text
    title: Text
    url: Annotated[str, Field(pattern=HTTPS_URL)]
    read: str
    how_read: Text  # what was actually read, and where (a search excerpt, the training module)

    _read = field_validator("read", mode="before")(_iso_date)


class StatementSchema(StrictModel):
    text: Text
    sources: Annotated[list[Kebab], Field(min_length=1)]


class SectionSchema(StrictModel):
    heading: Text
    style: Literal["paragraphs", "list"] = "paragraphs"
    statements: Annotated[list[StatementSchema], Field(min_length=1)]


class AddressSchema(StrictModel):
    lines: Annotated[list[Text], Field(min_length=2)]
    sources: Annotated[list[Kebab], Field(min_length=1)]


class ReturnSchema(StrictModel):
    """The starting row of a statutory return in the record of processing (Art 30(1))."""

    key: Kebab
    name: Text
    purpose: StatementSchema
    lawful_basis: StatementSchema
    data_subjects: StatementSchema
    data_categories: StatementSchema
    recipients: StatementSchema
    transfers: StatementSchema
    retention: StatementSchema
    security: StatementSchema


class DocumentSchema(StrictModel):
    id: Kebab
    kind: Literal["letter", "notice", "rights", "returns"]
    version: Annotated[str, Field(pattern=SEMVER)]
    title: Text
    summary: Text
    reviewed: str
    recipient: AddressSchema | None = None
    subject: StatementSchema | None = None
    notes: list[SectionSchema] = []  # a letter's advice to the family sending it
    sections: list[SectionSchema] = []
    returns: list[ReturnSchema] = []
    unconfirmed: list[Text] = []
    sources: Annotated[list[SourceSchema], Field(min_length=1)]

    _reviewed = field_validator("reviewed", mode="before")(_iso_date)


# --- What the app reads -------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    id: str
    publisher: str
    title: str
    url: str
    read: str
    how_read: str


@dataclass(frozen=True)
class Statement:
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    heading: str
    style: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class ReturnTemplate:
    key: str
    name: str
    fields: dict[str, Statement]  # purpose, lawful_basis, ... as in ReturnSchema


@dataclass(frozen=True)
class FamilyDocument:
    id: str
    kind: str
    version: str
    title: str
    summary: str
    reviewed: str
    recipient: tuple[str, ...]
    recipient_sources: tuple[str, ...]
    subject: Statement | None
    notes: tuple[Section, ...]
    sections: tuple[Section, ...]
    returns: tuple[ReturnTemplate, ...]
    unconfirmed: tuple[str, ...]
    sources: tuple[Source, ...]

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def numbered_sources(self) -> dict[str, int]:
        """Source id -> its number in the list, for [1]-style citations."""
        return {source.id: index for index, source in enumerate(self.sources, start=1)}


RETURN_FIELDS = (
    "purpose",
    "lawful_basis",
    "data_subjects",
    "data_categories",
    "recipients",
    "transfers",
    "retention",
    "security",
)


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each {placeholder} replaced by the school's value (unknown ones left)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


# --- Loading and checking -----------------------------------------------------------------------


def load_family_documents(folder: Path) -> tuple[dict[str, FamilyDocument], list[ContentProblem]]:
    documents: dict[str, FamilyDocument] = {}
    problems: list[ContentProblem] = []
    if not folder.is_dir():
        return documents, [
            ContentProblem(str(folder), "(folder)", "the families folder is missing")
        ]
    problems += missing_documents(folder)
    for path in sorted(folder.glob("*.yaml")):
        file = display_path(path, folder)
        data, file_problems = load_yaml_file(path, file)
        problems += file_problems
        if data is None:
            continue
        schema, schema_problems = validate(DocumentSchema, data, file)
        problems += schema_problems
        if schema is None:
            continue
        checked = cross_check(schema, file)
        problems += checked
        if schema.id != path.stem:
            problems.append(ContentProblem(file, "id", f"must match the file name ({path.stem})"))
        if not checked and schema.id == path.stem:
            documents[schema.id] = _document(schema)
    return documents, problems


def cross_check(schema: DocumentSchema, file: str) -> list[ContentProblem]:
    """What pydantic cannot see: source ids, unused sources, placeholders, kind-specific keys."""
    problems: list[ContentProblem] = []
    known = [source.id for source in schema.sources]
    for duplicate in sorted({i for i in known if known.count(i) > 1}):
        problems.append(ContentProblem(file, "sources", f"source id '{duplicate}' is used twice"))
    cited: set[str] = set()
    for key_path, statement in _statements(schema):
        cited |= set(statement.sources)
        for source_id in statement.sources:
            if source_id not in known:
                problems.append(
                    ContentProblem(file, f"{key_path}.sources", f"unknown source '{source_id}'")
                )
        problems += _placeholder_problems(statement.text, f"{key_path}.text", file)
    for name in ("title", "summary"):
        problems += _placeholder_problems(getattr(schema, name), name, file)
    if schema.recipient is not None:
        cited |= set(schema.recipient.sources)
        for source_id in schema.recipient.sources:
            if source_id not in known:
                problems.append(
                    ContentProblem(file, "recipient.sources", f"unknown source '{source_id}'")
                )
    for index, source in enumerate(schema.sources):
        if source.id not in cited:
            problems.append(
                ContentProblem(file, f"sources.{index}", f"'{source.id}' is cited by no statement")
            )
    problems += _kind_problems(schema, file)
    return problems


def _kind_problems(schema: DocumentSchema, file: str) -> list[ContentProblem]:
    problems = []
    if schema.kind == "letter" and (schema.recipient is None or schema.subject is None):
        problems.append(ContentProblem(file, "kind", "a letter needs a recipient and a subject"))
    if schema.kind != "letter" and (schema.recipient or schema.subject or schema.notes):
        problems.append(
            ContentProblem(file, "kind", "only a letter has a recipient, a subject or notes")
        )
    if schema.kind == "returns" and not schema.returns:
        problems.append(ContentProblem(file, "returns", "must list at least one return"))
    if schema.kind != "returns" and schema.returns:
        problems.append(ContentProblem(file, "returns", "only kind 'returns' lists returns"))
    if schema.kind != "returns" and not schema.sections:
        problems.append(ContentProblem(file, "sections", "must have at least one section"))
    keys = [r.key for r in schema.returns]
    for duplicate in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(ContentProblem(file, "returns", f"return key '{duplicate}' is used twice"))
    return problems


def _placeholder_problems(text: str, key_path: str, file: str) -> list[ContentProblem]:
    return [
        ContentProblem(file, key_path, f"unknown placeholder {{{name}}}")
        for name in _PLACEHOLDER.findall(text)
        if name not in PLACEHOLDERS
    ]


def _statements(schema: DocumentSchema):
    if schema.subject is not None:
        yield "subject", schema.subject
    for part in ("notes", "sections"):
        for s_index, section in enumerate(getattr(schema, part)):
            for index, statement in enumerate(section.statements):
                yield f"{part}.{s_index}.statements.{index}", statement
    for r_index, row in enumerate(schema.returns):
        for name in RETURN_FIELDS:
            yield f"returns.{r_index}.{name}", getattr(row, name)


def _statement(schema: StatementSchema) -> Statement:
    return Statement(schema.text.strip(), tuple(schema.sources))


def _sections(schemas: list[SectionSchema]) -> tuple[Section, ...]:
    return tuple(
        Section(s.heading, s.style, tuple(_statement(x) for x in s.statements)) for s in schemas
    )


def _document(schema: DocumentSchema) -> FamilyDocument:
    return FamilyDocument(
        id=schema.id,
        kind=schema.kind,
        version=schema.version,
        title=schema.title,
        summary=schema.summary.strip(),
        reviewed=schema.reviewed,
        recipient=tuple(schema.recipient.lines) if schema.recipient else (),
        recipient_sources=tuple(schema.recipient.sources) if schema.recipient else (),
        subject=_statement(schema.subject) if schema.subject else None,
        notes=_sections(schema.notes),
        sections=_sections(schema.sections),
        returns=tuple(
            ReturnTemplate(
                r.key, r.name, {name: _statement(getattr(r, name)) for name in RETURN_FIELDS}
            )
            for r in schema.returns
        ),
        unconfirmed=tuple(schema.unconfirmed),
        sources=tuple(
            Source(s.id, s.publisher, s.title, s.url, s.read, s.how_read.strip())
            for s in schema.sources
        ),
    )


REQUIRED_DOCUMENTS = (
    "dfe-objection-letter",
    "census-notice",
    "families-rights",
    "statutory-returns",
)


def missing_documents(folder: Path) -> list[ContentProblem]:
    """The app's pages need these four files; a folder without one is a problem, not a 500 later."""
    return [
        ContentProblem(folder.name, f"{name}.yaml", "missing: the families pages need this file")
        for name in REQUIRED_DOCUMENTS
        if not (folder / f"{name}.yaml").is_file()
    ]
