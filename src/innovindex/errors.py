"""The one error hierarchy of innovindex.

Every error a user can cause is an :class:`InnovindexError`, and each also subclasses the
matching builtin so ordinary ``except ValueError`` code keeps working::

    InnovindexError
     +-- InputError(ValueError)      bad data or framework file: carries file/row/column
     +-- SpecError(ValueError)       bad pipeline or uncertainty spec: unknown key, bad value
     +-- NotBuiltError(RuntimeError) asking a result for something that was not computed
    DataWarning(UserWarning)         a degenerate input that still runs (constant indicator, ...)

The CLI turns any of these into a single line on stderr and exit status 2; the API into a 4xx.
Messages say what is wrong, where, what was expected and what was found.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "InnovindexError",
    "InputError",
    "SpecError",
    "NotBuiltError",
    "DataWarning",
    "shown",
]


def shown(value: object) -> str:
    """How a value found in the input is quoted in a message: its ``repr``, with numpy and
    pandas scalars as the plain Python value (``2024``, not ``np.int64(2024)``).

    Messages are read by people who typed ``2024`` in a file; numpy 2's scalar repr names a
    type they never wrote.
    """
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__.split(".")[0] in ("numpy", "pandas"):
        try:
            value = item()
        except (ValueError, TypeError):  # not a scalar (an array): keep its own repr
            pass
    return repr(value)


class InnovindexError(Exception):
    """Base class of every error innovindex raises on purpose."""


class InputError(InnovindexError, ValueError):
    """Bad input data: the message names the file, row and column where known.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    file, row, column
        Where. ``row`` is 1-based as a person counts lines in the file (header = row 1),
        or a unit/indicator code when the input is not a file.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | str | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return (", ".join(where) + ": " if where else "") + self.detail


class SpecError(InnovindexError, ValueError):
    """A pipeline, step parameter or uncertainty specification that cannot be used."""


class NotBuiltError(InnovindexError, RuntimeError):
    """A result was asked for something the run did not produce."""


class DataWarning(UserWarning):
    """A degenerate input that still runs: a constant indicator, a shifted row, ...

    Raised with :func:`warnings.warn`; builds collect them into run.json (``"warnings"``) and
    the CLI prints each as one line on stderr without changing the exit status.
    """
