#!/usr/bin/env python3
"""Checks WARC files with warcio and says what they hold.

usage: warcio_summary.py FILE.warc.gz...

Runs `warcio check` on every file (it must pass, every digest checked), then reads every
record back with warcio's ArchiveIterator. Prints one JSON object: {"files", "records",
"types": {type: count}, "digests_passed", "responses": {uri: {"status", "digest",
"bytes"}}} (the last response of a URI wins), where digest is the `sha1:BASE32` of the
payload as warcio reads it, which the record's WARC-Payload-Digest must equal.
Exits 1 naming the first problem, 2 when warcio is missing.
"""
import base64
import hashlib
import json
import subprocess
import sys

try:
    from warcio.archiveiterator import ArchiveIterator
except ImportError:
    sys.stderr.write("warcio is missing: pip install warcio\n")
    sys.exit(2)


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(1)


def main(paths):
    summary = {"files": 0, "records": 0, "types": {}, "digests_passed": 0, "responses": {}}
    for path in paths:
        check = subprocess.run(
            [sys.executable, "-c", "import sys; from warcio.cli import main; main(sys.argv[1:])",
             "check", "-v", path],
            capture_output=True, text=True, timeout=1800)
        if check.returncode != 0:
            fail("warcio check %s failed (%d):\n%s%s"
                 % (path, check.returncode, check.stdout[-4000:], check.stderr[-4000:]))
        summary["digests_passed"] += check.stdout.count("digest pass")
        summary["files"] += 1
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                summary["records"] += 1
                kind = record.rec_type
                summary["types"][kind] = summary["types"].get(kind, 0) + 1
                if kind != "response":
                    continue
                payload = record.raw_stream.read()
                uri = record.rec_headers.get_header("WARC-Target-URI")
                label = "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()
                stated = record.rec_headers.get_header("WARC-Payload-Digest")
                if stated != label:
                    fail("%s: %s has WARC-Payload-Digest %s, its payload %s"
                         % (path, uri, stated, label))
                summary["responses"][uri] = {
                    "status": int(record.http_headers.get_statuscode()),
                    "digest": label,
                    "bytes": len(payload),
                }
    print(json.dumps(summary))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        fail(__doc__)
    main(sys.argv[1:])
