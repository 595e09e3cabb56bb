#!/usr/bin/env python3
"""The crawl bars, on the cablegate mirror served on 127.0.0.1.

The mirror is served by Python's own http.server handler (what `python3 -m http.server`
runs: it sends Last-Modified and answers If-Modified-Since with 304), subclassed only to log
each request's arrival time, path, status and whether it was conditional. Then:

1. `crawl --rate 0` from index.html into a fresh store: every one of the 1,295 cables is
   stored and exact for at least 99.5 % of them against truth.jsonl (`cablestrip eval --from-db`);
   the crawl's peak memory (max RSS) is at most 200 MB.
2. A second crawl right after: no cable page is asked for, every index page is asked for
   conditionally, and it takes at most half the first crawl's time.
3. `crawl --rate 5 --max-pages 30` into another fresh store: the server sees at most 5
   requests in any one-second window (plus one for the initial burst), and at least 90 % of
   5 per second sustained.

Usage (from the project's root, so that ./selectors is found):
    .ci/crawl-bars.py CABLESTRIP CORPUS_DIR
Exits 1 when a bar is not met.
"""

import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

SITE = "cablegate.wikileaks.org"
CABLES = 1295
MIN_EXACT = 0.995
MAX_PEAK_MB = 200
RATE = 5


class LoggingHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler, logging (arrival, path, status, conditional)."""

    log = []
    lock = threading.Lock()

    def do_GET(self):
        self.arrived = time.monotonic()
        super().do_GET()

    def log_request(self, code="-", size="-"):
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        with self.lock:
            self.log.append((getattr(self, "arrived", time.monotonic()), self.path, int(code), conditional))

    def log_message(self, format, *args):
        pass


def run(command):
    """Runs command; returns (exit status, stdout, stderr, wall seconds, peak RSS in MB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return child.returncode, out.read().decode(), err.read().decode(), wall, usage.ru_maxrss / 1024


def requests_since(mark):
    with LoggingHandler.lock:
        return list(LoggingHandler.log[mark:])


def main():
    cablestrip, corpus = sys.argv[1:3]
    site_dir = os.path.join(corpus, "site")
    truth = os.path.join(corpus, "truth.jsonl")
    handler = functools.partial(LoggingHandler, directory=site_dir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    failures = []

    def bar(ok, text):
        print(("ok   " if ok else "FAIL ") + text)
        if not ok:
            failures.append(text)

    with tempfile.TemporaryDirectory() as work:
        db = os.path.join(work, "db")
        crawl = [
            cablestrip, "--db", db, "crawl",
            "--seeds", f"http://127.0.0.1:{port}/index.html",
            "--host-map", f"127.0.0.1:{port}={SITE}",
            "--json",
        ]

        # 1. The whole mirror at --rate 0.
        code, out, err, first_wall, peak = run(crawl + ["--rate", "0"])
        if code != 0:
            print(err, file=sys.stderr)
            sys.exit(f"the first crawl exited with status {code}")
        first = json.loads(out)
        print(
            f"first crawl: {first['requests']} requests ({first['fetched_cable_pages']} cable pages, "
            f"{first['fetched_index_pages']} index pages, {first['bytes'] / 1e6:.1f} MB) in {first_wall:.1f} s: "
            f"{first['requests'] / first_wall:.0f} pages/s; peak memory {peak:.0f} MB"
        )
        if first["errors"]:
            print(f"first crawl errors by host and kind: {first['errors_by_host']}")
            print(err[-3000:], file=sys.stderr)
        code, out, err, _, _ = run([cablestrip, "--db", db, "eval", "--from-db", "--site", SITE, site_dir, truth, "--json"])
        if code != 0:
            print(err, file=sys.stderr)
            sys.exit(f"eval --from-db exited with status {code}")
        score = json.loads(out)
        first_differing = score["mismatches"][0]["id"] if score["mismatches"] else None
        bar(score["cables"] == CABLES and not score["missing"],
            f"all {CABLES} cables stored: {score['cables']} stored, {len(score['missing'])} of the truth missing")
        bar(score["exact_share"] >= MIN_EXACT,
            f"exact for {score['exact']} / {score['truth']} = {score['exact_share']:.2%} (bar {MIN_EXACT:.1%}); first differing: {first_differing}")
        bar(peak <= MAX_PEAK_MB, f"peak memory {peak:.0f} MB (bar {MAX_PEAK_MB} MB)")

        # 2. Right after: nothing new.
        mark = len(LoggingHandler.log)
        code, out, err, second_wall, _ = run(crawl + ["--rate", "0"])
        if code != 0:
            print(err, file=sys.stderr)
            sys.exit(f"the second crawl exited with status {code}")
        second = json.loads(out)
        seen = [r for r in requests_since(mark) if r[1] != "/robots.txt"]
        cable_pages = [r[1] for r in seen if r[1].startswith("/cable/")]
        plain = [r[1] for r in seen if not r[3]]
        print(
            f"second crawl: {second['requests']} requests, {second['not_modified']} not modified, "
            f"{second['skipped']} stored cable pages skipped, in {second_wall:.1f} s"
        )
        bar(not cable_pages and second["fetched_cable_pages"] == 0,
            f"the second crawl asked for no cable page ({len(cable_pages)} asked: {cable_pages[:3]})")
        bar(seen and not plain,
            f"every index page re-checked was asked for conditionally: {len(seen) - len(plain)} / {len(seen)} ({plain[:3]})")
        bar(second_wall <= first_wall / 2,
            f"the second crawl took {second_wall:.1f} s, {second_wall / first_wall:.0%} of the first's {first_wall:.1f} s (bar 50 %)")

        # 3. The rate limit, measured at the server.
        mark = len(LoggingHandler.log)
        rate_db = os.path.join(work, "rate-db")
        rate_crawl = [a if a != db else rate_db for a in crawl]
        code, out, err, _, _ = run(rate_crawl + ["--rate", str(RATE), "--max-pages", "30"])
        if code != 0:
            print(err, file=sys.stderr)
            sys.exit(f"the --rate {RATE} crawl exited with status {code}")
        times = sorted(r[0] for r in requests_since(mark))
        busiest = max(sum(1 for t in times if start <= t <= start + 1.0) for start in times)
        sustained = (len(times) - 1) / (times[-1] - times[0])
        print(f"--rate {RATE}: {len(times)} requests over {times[-1] - times[0]:.2f} s")
        bar(busiest <= RATE + 1, f"busiest one-second window held {busiest} requests (bar {RATE} + 1)")
        bar(sustained >= 0.9 * RATE, f"sustained {sustained:.2f} requests/s (bar {0.9 * RATE:.1f})")

    server.shutdown()
    if failures:
        sys.exit(f"{len(failures)} crawl bar(s) not met")


if __name__ == "__main__":
    main()
