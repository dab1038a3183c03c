"""Fail when a passing test run's output holds a Python traceback or a thread's exception.

    python .ci/stray_tracebacks.py LOG [LOG ...]
    python .ci/stray_tracebacks.py --self-test

pytest hides what passing tests print, so what reaches the console came from somewhere it
should not: a server thread after its test ended, an unraisable or thread exception pytest
reported as a warning, a subprocess writing to the inherited stderr. For each hit this prints
the log, the line, the test file or test id the output sits under, and the traceback itself.
The reports of failed tests (pytest's FAILURES and ERRORS sections) are not looked at: a
traceback there belongs to the failure, which fails the run anyway.
Standard library only: it runs before, and without, any virtual environment.
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from pathlib import Path
from typing import List, Optional, TextIO

STRAY = re.compile(r"Traceback \(most recent call last\)|Exception in thread")
# What pytest prints before output it could not capture: a progress line
# ("tests/test_x.py ..."), a test id ("tests/test_x.py::test_y", in the warnings summary), or
# a section header ("____ test_y ____", down to one "_" each side when the title is long).
WHERE = re.compile(r"^\s*(tests/\S+?\.py(?:::\S+)?)|^_+ (.+?) _+$")
SECTION = re.compile(r"^=+ (.+?) =+$")
FAILURE_SECTIONS = ("FAILURES", "ERRORS")
SHOWN_LINES = 30
SHOWN_HITS = 5


def _where(lines: List[str], index: int) -> Optional[str]:
    for line in reversed(lines[: index + 1]):
        found = WHERE.search(line)
        if found:
            return found.group(1) or found.group(2)
    return None


def _traceback(lines: List[str], index: int) -> List[str]:
    """The hit and what follows, up to the exception line that ends a traceback."""
    shown = []
    for line in lines[index : index + SHOWN_LINES]:
        shown.append(line)
        # Frames are indented; the first unindented line after them names the exception.
        if len(shown) > 1 and line and not line[0].isspace() and not STRAY.search(line):
            break
    return shown


def check(paths: List[Path], out: TextIO = sys.stderr) -> int:
    hits = 0
    for path in paths:
        lines = path.read_text(errors="replace").splitlines()
        in_failures = False
        for index, line in enumerate(lines):
            section = SECTION.match(line)
            if section:
                in_failures = section.group(1) in FAILURE_SECTIONS
            if in_failures or not STRAY.search(line):
                continue
            hits += 1
            if hits > SHOWN_HITS:
                continue
            where = _where(lines, index) or "before the first test"
            print(f"{path}:{index + 1}: stray traceback, under {where}:", file=out)
            for shown in _traceback(lines, index):
                print(f"    {shown}", file=out)
    if hits:
        more = f" ({hits - SHOWN_HITS} more not shown)" if hits > SHOWN_HITS else ""
        print(f"{hits} stray traceback(s) in passing test output{more}", file=out)
    return 1 if hits else 0


def self_test() -> int:
    """The checker finds what it is for and passes clean output, before CI relies on it."""
    clean = (
        "tests/test_a.py .F..  [ 50%]\n"
        "=== FAILURES ===\n"
        "___ test_f ___\n"
        "--- Captured stderr call ---\n"
        "Traceback (most recent call last):\n"
        "=== short test summary info ===\n"
        "1 failed, 2 passed, 1 skipped\n"
    )
    stray = (
        "tests/test_a.py ..Exception in thread Thread-3 (serve):\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in run\n'
        "ConnectionResetError: [Errno 104] Connection reset by peer\n"
        "..  [100%]\n"
    )
    warned = (
        "== warnings summary ==\n"
        "tests/test_b.py::test_c\n"
        "  PytestUnhandledThreadExceptionWarning: Exception in thread Thread-9\n"
        "_ ERROR at teardown of test_d _\n"
        "  + Exception Group Traceback (most recent call last):\n"
    )
    with tempfile.TemporaryDirectory() as scratch:
        reports = {}
        for name, text in {"clean": clean, "stray": stray, "warned": warned}.items():
            log = Path(scratch, f"{name}.log")
            log.write_text(text)
            report = io.StringIO()
            reports[name] = (check([log], report), report.getvalue())
    failed = [
        name
        for name, ok in {
            "clean output passes, a failed test's report included": reports["clean"] == (0, ""),
            "a thread's traceback is found, under its test file": reports["stray"][0] == 1
            and "stray.log:1: stray traceback, under tests/test_a.py:" in reports["stray"][1]
            and "ConnectionResetError" in reports["stray"][1]
            and "[100%]" not in reports["stray"][1],
            "a thread exception warning is found, under its test id": reports["warned"][0] == 1
            and "under tests/test_b.py::test_c:" in reports["warned"][1]
            and "under ERROR at teardown of test_d:" in reports["warned"][1],
        }.items()
        if not ok
    ]
    if failed:
        print(f"stray_tracebacks: self-test failed: {failed}", file=sys.stderr)
        return 1
    print("stray_tracebacks: self-test passed")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    if not sys.argv[1:]:
        sys.exit(__doc__)
    sys.exit(check([Path(p) for p in sys.argv[1:]]))
