"""``python -m thirdroad``, and the ``thirdroad`` command (:func:`main`).

``thirdroad explain "<formula>"``, the command a learner types most, starts without click (about
20 ms of a command that should print in a fraction of a second) and prints what the click
command prints, :func:`thirdroad.explain_cli.explain_command`. Every other command line, and an
explain this cannot answer alike (an option, a formula starting with ``-``, an error to report,
output that is no plain UTF-8 text), goes to the click application, :mod:`thirdroad.cli`."""

from __future__ import annotations

import gc
import os
import sys


def main(args: list[str] | None = None) -> None:
    """Run the ``thirdroad`` command line (``args``, else the process's own)."""
    argv = sys.argv[1:] if args is None else list(args)
    if _explained(argv):
        return
    from thirdroad.cli import main as command_line

    command_line(args=argv, prog_name="thirdroad")


def _explained(argv: list[str]) -> bool:
    """``thirdroad explain TEXT`` printed as the click command prints it; False where this
    cannot be done alike, and nothing is printed."""
    if len(argv) != 2 or argv[0] != "explain" or argv[1].startswith("-"):
        return False
    if (sys.stdout.encoding or "").lower().replace("-", "").replace("_", "") != "utf8":
        return False  # click writes to a stream that cannot take UTF-8 in its own way
    # The command makes some 60,000 objects the cyclic collector tracks, nearly all of them to
    # live until it exits (modules, the catalog, the compiled templates): collecting as they are
    # made would look through them about a hundred times (10-25 ms) to free next to nothing, so
    # they are made with the collector off and then set aside (frozen), where it never looks.
    gc.disable()
    try:
        from thirdroad.explain_cli import explain_command, one_blas_thread

        one_blas_thread()
        out = explain_command(argv[1])
    except (ValueError, FileNotFoundError, IsADirectoryError):
        return False  # the click command says what is wrong, as it always does
    except KeyboardInterrupt:
        print("\nAborted!", file=sys.stderr)  # as click says it
        sys.exit(1)
    finally:
        gc.freeze()
        gc.enable()
    if "\x1b" in out:
        return False  # click strips terminal escapes from what it prints to a file
    try:
        sys.stdout.write(out + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # the reader has gone (thirdroad explain ... | head): as click does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    return True


if __name__ == "__main__":
    main()
