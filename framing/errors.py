"""Exceptions raised by the framing library.

The CLI maps every :class:`FramingError` to a clean message and a documented exit code;
anything else escaping the library is a bug.
"""


class FramingError(Exception):
    """Base class for all errors the library raises on purpose."""

    exit_code = 2


class InputError(FramingError):
    """An input file or record cannot be read (raised only in strict mode or for usage errors)."""


class MarkerDataError(FramingError):
    """The marker catalogue is invalid; the message lists every problem found."""


class MarkerCodeError(FramingError, ValueError):
    """A marker id, id prefix or family name that matches nothing in the catalogue."""
