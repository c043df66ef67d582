#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-report.py junit|json FILE [expectations]: validates a report of
tools/tcplife-check --junit / --json.

junit: well-formed XML (xml.etree) in the common JUnit schema: a <testsuites>
root with tests/failures/errors, each <testsuite> with name, tests, failures,
errors, skipped, time, timestamp, hostname, then <properties>, <testcase>s,
<system-out>, <system-err> in that order; each <testcase> with name,
classname, time and at most one <failure> or <error> (message, type); every
count equal to what the test cases hold.
json: parses, and the summary and statuses agree with the captures' checks.

Expectations (repeatable):
  --tests N --failures N --errors N   totals (json: captures, failed, errors)
  --status N                          json only: the recorded exit status
  --case SUFFIX=ok|fail|error         the capture whose name ends with SUFFIX
  --conn SUFFIX@CHECK@STREAM[@FRAMES] that capture's failure names CHECK and
                                      connection STREAM (and FRAMES, "6,7")
  --name TEXT                         a test case / capture is named exactly TEXT
Exit 0 when all hold; 1 with the reasons otherwise.
"""
import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET

errors = []


def need(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


def as_int(el, attr):
    v = el.get(attr)
    if not need(v is not None and re.fullmatch(r"\d+", v), f"<{el.tag}> {attr}={v!r}: want an integer"):
        return -1
    return int(v)


def as_time(el):
    v = el.get("time")
    need(v is not None and re.fullmatch(r"\d+(\.\d+)?", v), f"<{el.tag} name={el.get('name')!r}> time={v!r}")


def junit(path, a):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        print(f"{path}: not well-formed XML: {e}")
        sys.exit(1)
    need(root.tag == "testsuites", f"root <{root.tag}>, want <testsuites>")
    cases = {}
    tot = {"tests": 0, "failures": 0, "errors": 0}
    suites = list(root)
    need(suites and all(s.tag == "testsuite" for s in suites), "<testsuites> must hold <testsuite>s only")
    for s in suites:
        for attr in ("name", "timestamp", "hostname"):
            need(s.get(attr), f"<testsuite> without {attr}")
        need(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", s.get("timestamp") or ""),
             f"timestamp {s.get('timestamp')!r}: want YYYY-MM-DDTHH:MM:SS")
        as_time(s)
        order = [c.tag for c in s]
        want = (["properties"] if order[:1] == ["properties"] else []) + \
            ["testcase"] * order.count("testcase") + \
            [t for t in ("system-out", "system-err") if t in order]
        need(order == want, f"<testsuite> children {order}: want properties, testcase..., system-out, system-err")
        for p in s.findall("properties/property"):
            need(p.get("name") and p.get("value") is not None, "<property> without name or value")
        n = f = e = sk = 0
        for tc in s.findall("testcase"):
            n += 1
            need(tc.get("name") and tc.get("classname"), "<testcase> without name or classname")
            as_time(tc)
            kids = list(tc)
            need(len(kids) <= 1 and all(k.tag in ("failure", "error", "skipped") for k in kids),
                 f"<testcase {tc.get('name')!r}> holds {[k.tag for k in kids]}")
            status, text = "ok", ""
            for k in kids:
                if k.tag == "skipped":
                    sk += 1
                    continue
                need(k.get("message") and k.get("type"), f"<{k.tag}> without message or type")
                status = "fail" if k.tag == "failure" else "error"
                f += k.tag == "failure"
                e += k.tag == "error"
                text = (k.get("message") or "") + "\n" + (k.text or "")
            cases[tc.get("name")] = (status, text)
        need(as_int(s, "tests") == n, f"testsuite tests={s.get('tests')}, holds {n}")
        need(as_int(s, "failures") == f, f"testsuite failures={s.get('failures')}, holds {f}")
        need(as_int(s, "errors") == e, f"testsuite errors={s.get('errors')}, holds {e}")
        need(as_int(s, "skipped") == sk, f"testsuite skipped={s.get('skipped')}, holds {sk}")
        tot["tests"] += n
        tot["failures"] += f
        tot["errors"] += e
    for k, v in tot.items():
        need(as_int(root, k) == v, f"testsuites {k}={root.get(k)}, the suites hold {v}")
    totals(a, tot["tests"], tot["failures"], tot["errors"])

    def conn_ok(text, check, stream, frames):
        # "CHECK...: N unit" then "  stream S: A -> B[, frame(s) F]" lines.
        m = re.search(r"(?m)^" + re.escape(check) + r"(?: \(.*\))?: \d+ \w+\n((?:  .*\n?)*)", text)
        if not m:
            return False
        for line in m.group(1).splitlines():
            lm = re.match(r"  stream (\S+): \S+ -> \S+(?:, frames? (\S+))?$", line)
            if lm and lm.group(1) == stream and (frames is None or lm.group(2) == frames):
                return True
        return False
    expectations(a, cases, conn_ok)


def jsonrep(path, a):
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (ValueError, UnicodeDecodeError) as e:
        print(f"{path}: not JSON: {e}")
        sys.exit(1)
    need(doc.get("tool") == "tcplife-check" and doc.get("format") == 1, "tool/format")
    caps = doc.get("captures", [])
    cases = {}
    counts = {"ok": 0, "fail": 0, "error": 0}
    for c in caps:
        st = c.get("status")
        need(st in counts, f"{c.get('file')}: status {st!r}")
        counts[st] = counts.get(st, 0) + 1
        need((c.get("error") is not None) == (st == "error"), f"{c.get('file')}: error {c.get('error')!r} with status {st}")
        failed = [k for k in c.get("checks", []) if k.get("failed")]
        need((st == "fail") == bool(failed), f"{c.get('file')}: status {st} with failed checks {failed}")
        for k in c.get("checks", []):
            need(k.get("unit") in ("connections", "frames"), f"unit {k.get('unit')!r}")
            need(k.get("failed") == (k.get("count", 0) > 0), f"{c.get('file')} {k.get('name')}: count/failed")
            need(not k.get("failed") or k.get("connections"), f"{c.get('file')} {k.get('name')}: failed, names no connection")
            for cn in k.get("connections", []):
                need(isinstance(cn.get("stream"), int) and cn.get("client") and cn.get("server"),
                     f"{c.get('file')} {k.get('name')}: connection {cn}")
                need((k["unit"] == "frames") == ("frames" in cn), f"{c.get('file')} {k.get('name')}: frames of {cn}")
        cases[c.get("file")] = (st, c)
    s = doc.get("summary", {})
    need(s.get("captures") == len(caps), f"summary captures {s.get('captures')}, {len(caps)} listed")
    for key, st in (("ok", "ok"), ("failed", "fail"), ("errors", "error")):
        need(s.get(key) == counts[st], f"summary {key} {s.get(key)}, {counts[st]} listed")
    want_status = 2 if counts["error"] else 1 if counts["fail"] else 0
    need(doc.get("status") == want_status, f"status {doc.get('status')}, want {want_status} from the captures")
    if a.status is not None:
        need(doc.get("status") == a.status, f"status {doc.get('status')}, want {a.status}")
    totals(a, len(caps), counts["fail"], counts["error"])

    def conn_ok(cap, check, stream, frames):
        for k in cap.get("checks", []):
            if k.get("name") == check and k.get("failed"):
                for cn in k.get("connections", []):
                    if str(cn.get("stream")) == stream and \
                       (frames is None or ",".join(map(str, cn.get("frames", []))) == frames):
                        return True
        return False
    expectations(a, cases, conn_ok)


def totals(a, tests, failures, errs):
    for name, want, got in (("tests", a.tests, tests), ("failures", a.failures, failures), ("errors", a.errors, errs)):
        if want is not None:
            need(want == got, f"{name}: {got}, want {want}")


def expectations(a, cases, conn_ok):
    def find(suffix):
        hits = [n for n in cases if n.endswith(suffix)]
        need(len(hits) == 1, f"{len(hits)} cases end with {suffix!r}: {sorted(cases)}")
        return cases[hits[0]] if len(hits) == 1 else None
    for e in a.case:
        suffix, _, want = e.rpartition("=")
        c = find(suffix)
        if c:
            need(c[0] == want, f"{suffix}: {c[0]}, want {want}")
    for e in a.conn:
        parts = e.split("@")
        suffix, check, stream = parts[:3]
        frames = parts[3] if len(parts) > 3 else None
        c = find(suffix)
        if c:
            need(conn_ok(c[1], check, stream, frames), f"{suffix}: no failure naming {check} in stream {stream}"
                 + (f" frames {frames}" if frames else "") + f": {c[1]!r}")
    for n in a.name:
        need(n in cases, f"no case named {n!r}: {sorted(cases)}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=("junit", "json"))
    p.add_argument("file")
    for o in ("tests", "failures", "errors", "status"):
        p.add_argument("--" + o, type=int)
    p.add_argument("--case", action="append", default=[])
    p.add_argument("--conn", action="append", default=[])
    p.add_argument("--name", action="append", default=[])
    a = p.parse_args()
    (junit if a.kind == "junit" else jsonrep)(a.file, a)
    if errors:
        print(f"{a.file}: {a.kind} report:")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print(f"{a.file}: {a.kind} report ok")


main()
