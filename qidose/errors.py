"""One exception hierarchy. Each error carries a message a person can act on.

The core raises these; only ``cli.py`` turns them into exit codes:
``InputError`` (the data was wrong) exits 1, ``ConfigError`` and ``UsageError``
(the call or the policy was wrong) exit 2.
"""


class QidoseError(Exception):
    """Base class: ``str(error)`` is the whole user-facing message."""

    exit_code = 1


class InputError(QidoseError):
    """A staff list or training-records file could not be used as it is."""

    exit_code = 1


class ConfigError(QidoseError):
    """A dosing policy or organisation profile is not valid."""

    exit_code = 2


class UsageError(QidoseError):
    """The command line asked for something qidose cannot do."""

    exit_code = 2


class OutputError(QidoseError):
    """The result could not be written (a full disk, no permission)."""

    exit_code = 1
