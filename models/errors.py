"""Domain errors: each carries a sentence a user can read."""


class DomainError(Exception):
    """Base class; `str(error)` is shown to the user as it is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    """The thing does not exist, or the viewer may not know it exists."""


class Forbidden(DomainError):
    """The viewer is known but may not do this."""


class Conflict(DomainError):
    """Someone else changed the thing first."""


class Invalid(DomainError):
    """Bad input; `field` names the form field it belongs to."""


def require(condition: object, message: str) -> None:
    if not condition:
        raise Forbidden(message)
