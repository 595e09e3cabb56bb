#!/usr/bin/env python3
"""The crawl's healing bars, on the cablegate mirror served on 127.0.0.1.

1. A hostile server: the mirror, but every 25th cable page misbehaves, each in its own way
   (below), and robots.txt forbids one month of cables. A crawl of it must never store a
   wrong cable as clean: every stored cable that differs from truth.jsonl is marked suspect.
2. A plain rerun against the sound mirror, served on another port (the pages are the
   site's, whatever port brings them): all 1,295 cables, 100 % exact, none suspect.
3. `-vv` on a crawl of the sound mirror into a fresh store writes fewer than 20 lines of
   log per page fetched, and no colour codes into a file.
4. A page of 100,000 distinct links: the crawl's peak memory stays under 200 MB, and the
   links past the per-page cap are counted as dropped.

Usage (from the project's root, so that ./selectors is found):
    .ci/hostile-bars.py CABLESTRIP CORPUS_DIR
Exits 1 when a bar is not met.
"""

import gzip
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SITE = "cablegate.wikileaks.org"
CABLES = 1295
EVERY = 25
FAULTS = [
    "lying-length",        # declares the whole length, sends a third, closes: every time
    "lying-length-once",   # the same on the first request only: healed within the run
    "missing-end",         # two thirds of the page, with an honest Content-Length
    "http-500",
    "http-429-once",       # 429 with Retry-After: 1, then the page
    "reset",               # the connection closes before any response
    "windows-1252",        # the page re-encoded as windows-1252 under a UTF-8 label
    "redirect-loop",
    "bad-gzip",            # Content-Encoding: gzip on a body that is not
    "utf16",               # the page as UTF-16LE, honestly labelled
]
DENIED_MONTH = "/cable/2010/02/"
MAX_LINES_PER_PAGE = 20
MAX_PEAK_MB = 200
LINKS = 100_000


def run(command, stderr_file=None):
    """Runs command; returns (status, stdout, stderr, wall seconds, peak RSS in MB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=out, stderr=stderr_file or err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return (os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode(),
                wall, usage.ru_maxrss / 1024)


def cable_paths(site_dir):
    paths = []
    for folder, _, files in os.walk(os.path.join(site_dir, "cable")):
        for name in files:
            full = os.path.join(folder, name)
            paths.append("/" + os.path.relpath(full, site_dir).replace(os.sep, "/"))
    return sorted(paths)


class Mirror(http.server.BaseHTTPRequestHandler):
    """Serves site_dir; in hostile mode, the faulty pages misbehave."""

    protocol_version = "HTTP/1.1"
    site_dir = None
    hostile = False
    faults = {}
    seen = {}
    lock = threading.Lock()

    def log_message(self, format, *args):
        pass

    def send_page(self, body, content_type="text/html", extra=(), declared=None):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(declared if declared is not None else len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        with self.lock:
            hit = self.seen.get(path, 0)
            self.seen[path] = hit + 1
        if path == "/robots.txt":
            robots = f"User-agent: *\nDisallow: {DENIED_MONTH}\n" if self.hostile else "User-agent: *\nAllow: /\n"
            return self.send_page(robots.encode(), "text/plain")
        file = os.path.normpath(os.path.join(self.site_dir, path.lstrip("/")))
        if os.path.isdir(file):
            file = os.path.join(file, "index.html")
        if not file.startswith(os.path.abspath(self.site_dir)) or not os.path.isfile(file):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(file, "rb") as handle:
            body = handle.read()
        fault = self.faults.get(path) if self.hostile else None
        if fault == "lying-length" or (fault == "lying-length-once" and hit == 0):
            self.send_page(body[: len(body) // 3], declared=len(body))
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault == "missing-end":
            self.send_page(body[: len(body) * 2 // 3])
        elif fault == "http-500":
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif fault == "http-429-once" and hit == 0:
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif fault == "reset":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault == "windows-1252":
            text = body.decode("utf-8")
            try:
                legacy = text.encode("cp1252")
            except UnicodeEncodeError:
                legacy = body
            self.send_page(legacy, "text/html; charset=utf-8")
        elif fault == "redirect-loop":
            self.send_response(302)
            self.send_header("Location", path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif fault == "bad-gzip":
            self.send_page(body, extra=[("Content-Encoding", "gzip")])
        elif fault == "utf16":
            text = body.decode("utf-8")
            self.send_page(text.encode("utf-16-le"), "text/html; charset=utf-16le")
        else:
            self.send_page(body)


def serve(site_dir, hostile, faults):
    handler = type("Handler", (Mirror,), {
        "site_dir": os.path.abspath(site_dir), "hostile": hostile, "faults": faults, "seen": {},
    })
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class LinkPage(http.server.BaseHTTPRequestHandler):
    """One index page of 100,000 distinct cable links; every cable page is a 404."""

    protocol_version = "HTTP/1.1"
    page = None

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        if self.path == "/index.html":
            body = self.page
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        else:
            body = b""
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    cablestrip, corpus = sys.argv[1:3]
    site_dir = os.path.join(corpus, "site")
    truth = os.path.join(corpus, "truth.jsonl")
    failures = []

    def bar(ok, text):
        print(("ok   " if ok else "FAIL ") + text)
        if not ok:
            failures.append(text)

    cables = cable_paths(site_dir)
    faults = {path: FAULTS[(i // EVERY) % len(FAULTS)] for i, path in enumerate(cables) if i % EVERY == 0}
    denied = sum(1 for p in cables if p.startswith(DENIED_MONTH))
    print(f"{len(faults)} faulty cable pages ({', '.join(FAULTS)}); robots.txt denies {denied} more")

    def crawl(db, port, *extra):
        return [cablestrip, "--db", db, "crawl", "--seeds", f"http://127.0.0.1:{port}/index.html",
                "--host-map", f"127.0.0.1:{port}={SITE}", "--rate", "0", "--concurrency", "8",
                "--json", *extra]

    def evaluate(db):
        code, out, err, _, _ = run([cablestrip, "--db", db, "eval", "--from-db", "--site", SITE,
                                    site_dir, truth, "--json"])
        if code not in (0, 1):
            sys.exit(f"eval --from-db exited with status {code}: {err}")
        return json.loads(out)

    with tempfile.TemporaryDirectory() as work:
        db = os.path.join(work, "db")

        # 1. The hostile server.
        hostile = serve(site_dir, True, faults)
        code, out, err, wall, _ = run(crawl(db, hostile.server_address[1]))
        bar(code in (0, 1), f"the hostile crawl ended cleanly (status {code}) in {wall:.0f} s")
        if code not in (0, 1):
            print(err[-3000:], file=sys.stderr)
            sys.exit(1)
        summary = json.loads(out)
        print(f"hostile crawl: {summary['requests']} requests, {summary['new_cables']} new cables, "
              f"{summary['suspect_cables']} suspect, errors {summary['errors_by_kind']}, "
              f"robots-denied {summary['robots_denied']}")
        score = evaluate(db)
        # The store's cables as export writes them: suspect copies left out.
        suspect = set(score["suspect"])
        wrong_clean = sorted({m["id"] for m in score["mismatches"]} - suspect)
        chrome_clean = sorted(set(score["with_chrome"]) - suspect)
        bar(not wrong_clean and not chrome_clean,
            f"no wrong cable stored as clean: export writes {score['cables']} clean cables, "
            f"{len(wrong_clean)} wrong and clean {wrong_clean[:5]}, {len(chrome_clean)} with chrome and clean")
        hostile.shutdown()

        # 2. A plain rerun against the sound mirror on another port.
        sound = serve(site_dir, False, {})
        code, out, err, wall, _ = run(crawl(db, sound.server_address[1]))
        again = json.loads(out) if out else {}
        print(f"rerun: status {code}, {again.get('requests')} requests, {again.get('new_cables')} new, "
              f"{again.get('changed_cables')} changed, errors {again.get('errors_by_kind')}, in {wall:.0f} s")
        score = evaluate(db)
        bar(code == 0 and score["cables"] == CABLES and score["exact"] == CABLES and not score["suspect"],
            f"the rerun completes the corpus: {score['cables']} cables, {score['exact']} exact "
            f"({score['exact_share']:.2%}), {len(score['suspect'])} suspect, {len(score['missing'])} missing")

        # 3. -vv into a file.
        log_path = os.path.join(work, "crawl.log")
        with open(log_path, "wb") as log:
            command = crawl(os.path.join(work, "vv-db"), sound.server_address[1])
            code, out, _, _, _ = run(command[:1] + ["-vv"] + command[1:], stderr_file=log)
        with open(log_path, "rb") as log:
            text = log.read()
        fetched = json.loads(out)["fetched"] if code == 0 else 0
        lines = text.count(b"\n")
        per_page = lines / max(fetched, 1)
        bar(code == 0 and per_page < MAX_LINES_PER_PAGE,
            f"-vv wrote {lines} lines for {fetched} pages fetched = {per_page:.1f} a page (bar < {MAX_LINES_PER_PAGE})")
        bar(b"\x1b[" not in text, "no colour codes in a log written to a file")
        sound.shutdown()

        # 4. A page of 100,000 links.
        links = "".join(f'<a href="/cable/2010/01/10LINK{n}.html">{n}</a>\n' for n in range(LINKS))
        LinkPage.page = f"<html><body>{links}</body></html>".encode()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LinkPage)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        code, out, err, wall, peak = run(crawl(os.path.join(work, "links-db"), server.server_address[1],
                                               "--max-pages", "500"))
        summary = json.loads(out) if out else {}
        dropped = summary.get("links_dropped")
        bar(peak < MAX_PEAK_MB and dropped == LINKS - 10_000,
            f"a page of {LINKS:,} links: peak memory {peak:.0f} MB (bar {MAX_PEAK_MB}), "
            f"{summary.get('links_queued')} queued, {dropped} dropped, status {code}, {wall:.0f} s")
        server.shutdown()

    if failures:
        sys.exit(f"{len(failures)} healing bar(s) not met")


if __name__ == "__main__":
    main()
