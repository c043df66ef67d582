#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ctest-skipped.py JUNIT.xml: the tests ctest skipped in one run, and why,
# from its JUnit report (ctest --output-junit, CMake 3.21+). One line each,
# TEST<TAB>REASON. A skipped test (SKIP_RETURN_CODE) has status "notrun" and
# its output; the reason is its last line that starts with "SKIP" or
# "skipped" (any case), else its last non-empty line, else ctest's message.
# Disabled tests are listed too, and tests not run because a fixture they
# need failed (marked: ctest counts those as failed). scripts/test.sh
# prints these at its end.
# Exit status: 0, or 1 when the file cannot be read.
import re
import sys
import xml.etree.ElementTree as ET

SKIP_LINE = re.compile(r"^\W*skip", re.IGNORECASE)


def reason(case):
    out = case.findtext("system-out") or ""
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    marked = [l for l in lines if SKIP_LINE.match(l)]
    if marked:
        return marked[-1]
    if lines:
        return lines[-1]
    sk = case.find("skipped")
    if sk is not None and sk.get("message"):
        return sk.get("message")
    return "(no output)"


def main():
    if len(sys.argv) != 2:
        print("usage: ctest-skipped.py JUNIT.xml", file=sys.stderr)
        return 2
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"ctest-skipped.py: {e}", file=sys.stderr)
        return 1
    for case in root.iter("testcase"):
        status = case.get("status", "")
        sk = case.find("skipped")
        if sk is not None and sk.get("message") == "Fixture dependency failed":
            # Not skipped for a missing piece: ctest counts it as failed.
            why = "NOT RUN, counted as failed: " + reason(case)
        elif status == "notrun" or sk is not None:
            why = reason(case)
        elif status == "disabled":
            why = "disabled (DISABLED test property)"
        else:
            continue
        why = " ".join(why.split())
        print(f"{case.get('name', '?')}\t{why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
