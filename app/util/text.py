"""Text a database or a document cannot hold: control characters (no Flask imports).

PostgreSQL refuses NUL in text; the other C0 controls and DEL have no place in a name, a note
or an email address either. Tab, line feed and carriage return stay allowed (textareas).
"""

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_character(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None
