"""What the importer says, kept as text keys and parameters until it is shown.

A message is rendered only when a surface shows it, in that surface's language: the command line
in Vietnamese, a page in the language of the interface. Numbers in the parameters are formatted
for the language (kpi.text.fmt); a period is said as its label; nested phrases render in turn.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kpi.periods import Period
from kpi.text import fmt
from kpi.text.i18n import t


@dataclass(frozen=True, eq=False)
class Phrase:
    """A text key of kpi/text/texts_importing.py and its parameters."""
    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = "vi") -> str:
        return t(self.key, lang, **{name: render(value, lang) for name, value in self.params.items()})


def field_name(canon: str) -> Phrase:
    """A canonical column as the template names it (Vietnamese) or as an English header."""
    return Phrase(f"imp_field_{canon}")


def render(value, lang: str = "vi") -> str:
    """A parameter as text: numbers formatted for the language, lists joined with commas."""
    if isinstance(value, Phrase):
        return value.text(lang)
    if isinstance(value, Period):
        return value.label(lang).lower()
    if isinstance(value, (list, tuple)):
        return ", ".join(render(v, lang) for v in value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    return fmt.number(value, _decimals(value), lang)


def _decimals(value) -> int:
    """The decimals the value has (at most 6): a message quotes a figure as it was read."""
    text = f"{float(value):.6f}".rstrip("0")
    return len(text.partition(".")[2])


@dataclass
class Issue:
    """A problem named by file, row as numbered in the file and column as written in its header.
    An error blocks the import; a warning (an unusual figure) must be confirmed before it is
    written; a notice (aggregates skipped, empty cells, a hidden sheet) only informs."""
    file: str
    row: int | None
    column: str | None
    key: str
    params: dict = field(default_factory=dict)
    severity: str = "error"

    def message(self, lang: str = "vi") -> str:
        return Phrase(self.key, self.params).text(lang)

    def text(self, lang: str = "vi") -> str:
        """The message after where it is; an issue of the whole import (no file) is its message."""
        if not self.file:
            return self.message(lang)
        where = [t("imp_where_file", lang, file=self.file)]
        if self.row is not None:
            where.append(t("imp_where_row", lang, row=self.row))
        if self.column:
            where.append(t("imp_where_column", lang, column=self.column))
        return f"{', '.join(where)}: {self.message(lang)}"


class Refused(Exception):
    """The whole file is refused; `phrase` says why, `row` where when one row is at fault."""

    def __init__(self, key: str, row: int | None = None, choices: tuple[str, ...] = (), **params):
        self.phrase = Phrase(key, params)
        super().__init__(self.phrase.text())
        self.row = row
        self.choices = choices        # what the user may choose instead (a table's column groups)
