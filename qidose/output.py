"""Where results go: stdout, or a file written atomically; diagnostics to stderr."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from qidose.errors import OutputError, UsageError


def check_target(path: str, inputs: tuple[str, ...] = ()) -> Path:
    """The file -o names, if qidose may write it there: not one of its inputs ("-": standard input,
    when it is a file), not a folder, in a folder that exists. Raises UsageError saying why not."""
    target = Path(path)
    try:
        for source in inputs:
            if source == "-" and _is_stdin(target):   # `qidose plan - -o staff.csv < staff.csv`
                raise UsageError(f"-o {path}: that is the file standard input (-) reads; "
                                 f"qidose will not write over its own input; give another file name")
            if source != "-" and target.exists() and Path(source).exists() and target.samefile(source):
                raise UsageError(f"-o {path}: that is an input file; qidose will not write over its own input")
        if target.is_dir():
            raise UsageError(f"-o {path}: is a directory; give a file name")
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise UsageError(f"-o {path}: the folder {folder} does not exist")
    except OSError as e:   # a name too long, a folder that cannot be searched
        raise UsageError(f"-o {path}: {e.strerror or e}; give another file name") from None
    return target


def _is_stdin(target: Path) -> bool:
    """Whether `target` is the very file standard input is (a file the shell opened for `< file`)."""
    try:
        ours = os.fstat(0)
        found = target.stat()
    except OSError:   # no stdin, or no such file yet
        return False
    return stat.S_ISREG(ours.st_mode) and (ours.st_dev, ours.st_ino) == (found.st_dev, found.st_ino)


def _stream(target: Path) -> str | None:
    """How to write to `target` in place rather than replace it: "stdout" or "stderr" when it leads to
    the very file our own stdout or stderr is (as -o /dev/stdout does when the shell sends stdout to a
    file: replacing the path would replace the /dev/stdout link itself, and opening it afresh would
    truncate a file the shell opened to append to); "open" for another pipe or device; None for a file."""
    try:
        found = target.stat()
    except OSError:
        return None   # not there yet: a new file
    for name, fd in (("stdout", 1), ("stderr", 2)):
        try:
            ours = os.fstat(fd)
        except OSError:
            continue
        if (ours.st_dev, ours.st_ino) == (found.st_dev, found.st_ino):
            return name
    return None if stat.S_ISREG(found.st_mode) else "open"


def write_atomic(path: str, data: str | bytes, inputs: tuple[str, ...] = ()) -> None:
    """Write to a temporary file beside `path`, then rename over it: all or nothing."""
    target = check_target(path, inputs)
    mode = "wb" if isinstance(data, bytes) else "w"
    text = {} if mode == "wb" else {"encoding": "utf-8", "newline": ""}
    stream = _stream(target)
    if stream is not None:   # written to, not replaced
        try:
            if stream == "open":
                with open(target, mode, **text) as f:
                    f.write(data)
            else:   # through our own stdout or stderr, as UTF-8 like every file qidose writes
                own = getattr(sys, stream)
                own.flush()
                own.buffer.write(data if isinstance(data, bytes) else data.encode("utf-8"))
                own.buffer.flush()
        except OSError as e:
            raise OutputError(f"-o {path}: cannot write ({e.strerror})") from None
        return
    try:
        target = target.resolve()   # through symlinks: the file a link leads to is replaced, the link kept
    except (OSError, RuntimeError) as e:   # a loop of links
        raise OutputError(f"-o {path}: cannot write ({getattr(e, 'strerror', None) or e})") from None
    folder = target.parent
    try:
        import tempfile   # only when writing a file: it costs a few ms of start-up
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise OutputError(f"-o {path}: cannot write in {folder} ({e.strerror})") from None
    try:
        with os.fdopen(fd, mode, **text) as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~umask)   # mkstemp made it 0600
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"-o {path}: cannot write ({e.strerror}); any earlier {target.name} is untouched") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Log:
    """Diagnostics on stderr: -q hides warnings, -v adds detail. Errors always show."""

    def __init__(self, verbosity: int = 0):
        self.verbosity = verbosity

    def warn(self, text: str) -> None:
        if self.verbosity >= 0:
            print(f"warning: {text}", file=sys.stderr)

    def info(self, text: str) -> None:
        if self.verbosity >= 1:
            print(text, file=sys.stderr)

    def error(self, text: str) -> None:
        print(f"error: {text}", file=sys.stderr)
