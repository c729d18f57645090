"""Reading content YAML: one safe loader that refuses duplicate keys, used by every content format.

PyYAML silently keeps the last of two equal keys, so a typo'd copy of `weight:` would quietly win;
this loader stops at the second one and the problem names the file, the key and both lines.
"""

from pathlib import Path

import yaml

from app.content.problems import ContentProblem

# libyaml's parser is several times faster than the pure-Python one (both are safe loaders); the
# pure-Python one is the fallback where PyYAML was built without libyaml.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: object, mark: yaml.Mark, first: yaml.Mark) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key
        self.problem_mark = mark
        self.first_mark = first


# The base is chosen at import (libyaml's C loader when present), which the checker cannot follow.
class UniqueKeyLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe loader that refuses a key repeated in one mapping."""

    def construct_mapping(self, node, deep=False):
        first_seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = first_seen.setdefault(key, key_node.start_mark)
            except TypeError:
                continue  # an unhashable key: the base loader reports it below
            if first is not key_node.start_mark:
                raise DuplicateKeyError(key, key_node.start_mark, first)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, file: str, *, first_line: int = 1) -> tuple[object, list[ContentProblem]]:
    """(the mapping in `text`, []) or (None, [the problem]); `first_line` is where `text` starts
    in its file (front matter starts on line 2), so line numbers match what the author sees."""
    try:
        data = yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except DuplicateKeyError as error:
        line, first = error.problem_mark.line + first_line, error.first_mark.line + first_line
        message = f"duplicate key {error.key!r} (first at line {first})"
        return None, [ContentProblem(file, "(file)", f"not valid YAML at line {line}: {message}")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + first_line}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return None, [ContentProblem(file, "(file)", f"not valid YAML{where}: {problem}")]
    if not isinstance(data, dict):
        return None, [ContentProblem(file, "(file)", "must be a YAML mapping of keys to values")]
    return data, []


def read_text(path: Path, file: str) -> tuple[str | None, list[ContentProblem]]:
    """The file's text, or None and the problem when it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8"), []
    except UnicodeDecodeError:
        return None, [ContentProblem(file, "(file)", "is not UTF-8 text")]


def load_yaml_file(path: Path, file: str) -> tuple[object, list[ContentProblem]]:
    """The mapping in a .yaml file, or None and the problem that stopped it."""
    text, problems = read_text(path, file)
    if text is None:
        return None, problems
    return parse_yaml(text, file)
