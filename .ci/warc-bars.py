#!/usr/bin/env python3
"""The WARC bars, on the cablegate mirror (issue 13).

1. Round trip: the mirror ingested into store A; `export --format warc` of A; `warcio
   check` passes on that file and warcio reads every response back with the stored
   body's digest; the WARC ingested into a fresh store B; `export` (JSON Lines) of A and
   of B are byte-identical; a second ingest of the WARC into B writes nothing.
2. Speed: WARC ingest runs at 80 % or more of the mirror ingest's pages/s on the same
   pages (each ingest run four times into a fresh store, the two kinds alternately, and
   the best run of each kind compared, so that a busy moment hits both alike).
3. `crawl --rate 0 --warc DIR` of the mirror served on 127.0.0.1: `warcio check` passes
   on every file of DIR, and DIR ingested into a fresh store (with the crawl's
   --host-map) gives every cable.

Prints the figures (export and ingest speeds, file sizes). Usage, from the project's root
(so that ./selectors is found):
    .ci/warc-bars.py CABLESTRIP CORPUS_DIR
Exits 1 when a bar is not met; needs warcio (pip install warcio).
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
SPEED_BAR = 0.80
SUMMARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "warc",
                       "warcio_summary.py")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def run(command, what):
    """Runs command; gives (stdout, wall seconds); exits naming `what` if it fails."""
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True)
    wall = time.monotonic() - started
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace")[-4000:])
        sys.exit(f"{what} exited with status {done.returncode}: {' '.join(command)}")
    return done.stdout, wall


def main():
    cablestrip, corpus = sys.argv[1:3]
    site_dir = os.path.join(corpus, "site")
    failures = []

    def bar(ok, text):
        print(("ok    " if ok else "FAIL  ") + text)
        if not ok:
            failures.append(text)

    with tempfile.TemporaryDirectory() as work:
        warc = os.path.join(work, "cablegate.warc.gz")

        def ingest(db, inputs, extra=()):
            out, _ = run([cablestrip, "--db", db, "ingest", *inputs, *extra, "--json"],
                         "ingest " + " ".join(inputs))
            return json.loads(out)

        # Store A, and the WARC export of it.
        store_a = os.path.join(work, "a")
        mirror_runs = [ingest(store_a, [site_dir], ["--site", SITE])]
        _, export_seconds = run([cablestrip, "--db", store_a, "export", "--format", "warc",
                                 "--out", warc], "export --format warc")
        warc_mb = os.path.getsize(warc) / 1e6
        pages = mirror_runs[0]["pages"]
        print(f"      export --format warc: {pages} pages, {warc_mb:.1f} MB in {export_seconds:.2f} s"
              f" = {pages / export_seconds:.0f} pages/s, {mirror_runs[0]['bytes_read'] / 1e6 / export_seconds:.0f} MB/s of HTML")

        # warcio reads it all back.
        started = time.monotonic()
        out, _ = run([sys.executable, SUMMARY, warc], "warcio check of the export")
        checked = json.loads(out)
        bar(checked["types"].get("response") == pages and checked["types"].get("warcinfo") == 1
            and checked["digests_passed"] == checked["records"],
            f"warcio check passes on the export ({time.monotonic() - started:.1f} s), "
            f"{checked['digests_passed']} of {checked['records']} records' digests checked, and warcio reads "
            f"{checked['types'].get('response')} responses back, every payload digest right (want {pages})")

        # Store B from the WARC alone.
        store_b = os.path.join(work, "b")
        warc_runs = [ingest(store_b, [warc])]
        first = warc_runs[0]
        bar(first["new_cables"] == CABLES and first["errors"] == 0 and first["pages"] == pages,
            f"WARC ingest into a fresh store: {first['pages']} pages, {first['new_cables']} cables, "
            f"{first['errors']} errors (want {pages}, {CABLES}, 0)")
        again = ingest(store_b, [warc])
        bar(again["writes"] == 0 and again["new_bodies"] == 0,
            f"second ingest of the WARC: {again['writes']} writes, {again['unchanged_pages']} pages unchanged")
        jsonl_a, _ = run([cablestrip, "--db", store_a, "export"], "export of A")
        jsonl_b, _ = run([cablestrip, "--db", store_b, "export"], "export of B")
        lines_a, lines_b = jsonl_a.count(b"\n"), jsonl_b.count(b"\n")
        bar(jsonl_a == jsonl_b and lines_a == CABLES,
            f"JSON Lines of the mirror's store and of the WARC's store byte-identical "
            f"({lines_a} and {lines_b} cables, {len(jsonl_a) / 1e6:.1f} MB)")

        # Speed: one more run of each, alternately, into fresh stores.
        for n in range(3):
            warc_runs.append(ingest(os.path.join(work, f"w{n}"), [warc]))
            mirror_runs.append(ingest(os.path.join(work, f"m{n}"), [site_dir], ["--site", SITE]))
        best_mirror = max(r["pages_per_second"] for r in mirror_runs)
        best_warc = max(r["pages_per_second"] for r in warc_runs)
        print("      mirror ingest pages/s: " + ", ".join(f"{r['pages_per_second']:.0f}" for r in mirror_runs))
        print("      WARC ingest pages/s:   " + ", ".join(f"{r['pages_per_second']:.0f}" for r in warc_runs))
        bar(best_warc >= SPEED_BAR * best_mirror,
            f"WARC ingest {best_warc:.0f} pages/s = {best_warc / best_mirror:.0%} of the mirror ingest's "
            f"{best_mirror:.0f} pages/s on the same {pages} pages (bar {SPEED_BAR:.0%})")

        # A crawl that archives as it goes.
        handler = functools.partial(QuietHandler, directory=site_dir)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        archive = os.path.join(work, "archive")
        host_map = f"127.0.0.1:{port}={SITE}"
        out, crawl_seconds = run([cablestrip, "--db", os.path.join(work, "c"), "crawl",
                                  "--seeds", f"http://127.0.0.1:{port}/index.html",
                                  "--host-map", host_map, "--rate", "0",
                                  "--warc", archive, "--warc-max-size", "40M", "--json"],
                                 "crawl --warc")
        server.shutdown()
        crawl = json.loads(out)
        files = sorted(os.path.join(archive, name) for name in os.listdir(archive))
        mb = sum(os.path.getsize(f) for f in files) / 1e6
        print(f"      crawl --warc: {crawl['fetched']} pages in {crawl_seconds:.1f} s, "
              f"{len(files)} files, {mb:.1f} MB")
        started = time.monotonic()
        out, _ = run([sys.executable, SUMMARY, *files], "warcio check of the crawl's WARC files")
        checked = json.loads(out)
        bar(checked["digests_passed"] == checked["records"]
            and checked["types"].get("response") == crawl["warc"]["responses"]
            and checked["types"].get("request") == crawl["warc"]["responses"] + crawl["warc"]["revisits"],
            f"warcio check passes on the crawl's {len(files)} files ({time.monotonic() - started:.1f} s): "
            f"{checked['types']}")
        from_archive = ingest(os.path.join(work, "d"), [archive], ["--host-map", host_map])
        bar(from_archive["new_cables"] == CABLES and from_archive["errors"] == 0,
            f"the crawl's archive ingested: {from_archive['new_cables']} cables, "
            f"{from_archive['errors']} errors (want {CABLES}, 0)")

    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
