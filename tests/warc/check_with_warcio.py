#!/usr/bin/env python3
"""Checks a WARC that cablestrip wrote with warcio, the usual Python WARC library.

usage: check_with_warcio.py FILE.warc.gz EXPECTED.json

Runs `warcio check -v` on the file (every digest must pass), then reads every record
back with warcio's ArchiveIterator and compares it with EXPECTED.json, a list of
{"type", "uri", "offset", "status", "body_hex"} in file order (uri, status and body
only for responses). Prints a JSON summary on success; exits 1 naming the first
difference otherwise, 2 when warcio is missing.
"""
import hashlib
import base64
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


def sha1_base32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def main(path, expected_path):
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)

    check = subprocess.run(
        [sys.executable, "-c", "import sys; from warcio.cli import main; main(sys.argv[1:])",
         "check", "-v", path],
        capture_output=True, text=True, timeout=120)
    if check.returncode != 0:
        fail("warcio check failed (%d):\n%s%s" % (check.returncode, check.stdout, check.stderr))
    passes = check.stdout.count("digest pass")
    # warcio leaves a revisit's digests unchecked; every other record's must pass.
    checked = sum(1 for e in expected if e["type"] != "revisit")
    if passes != checked:
        fail("warcio check passed %d digests, expected one for each of %d records:\n%s"
             % (passes, checked, check.stdout))

    seen = []
    with open(path, "rb") as stream:
        it = ArchiveIterator(stream)
        for record in it:
            # Read the payload first: asking the iterator for the offset reads on to the
            # record's end.
            raw = record.raw_stream.read()
            entry = {
                "type": record.rec_type,
                "offset": it.get_record_offset(),
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
            }
            if record.rec_type == "response":
                entry["status"] = int(record.http_headers.get_statuscode())
                entry["body_hex"] = raw.hex()
                digest = record.rec_headers.get_header("WARC-Payload-Digest")
                if digest != sha1_base32(raw):
                    fail("record at %d: payload digest %s is not the body's %s"
                         % (entry["offset"], digest, sha1_base32(raw)))
                length = record.http_headers.get_header("Content-Length")
                if length is None or int(length) != len(raw):
                    fail("record at %d: Content-Length %s for a body of %d bytes"
                         % (entry["offset"], length, len(raw)))
                if record.http_headers.get_header("Content-Encoding"):
                    fail("record at %d: a decoded body under a Content-Encoding header"
                         % entry["offset"])
            seen.append(entry)

    if len(seen) != len(expected):
        fail("warcio read %d records, expected %d" % (len(seen), len(expected)))
    for got, want in zip(seen, expected):
        for key, value in want.items():
            if got.get(key) != value:
                fail("record at offset %s: %s is %r, expected %r"
                     % (got.get("offset"), key, got.get(key), value))
    print(json.dumps({"records": len(seen), "digests_passed": passes,
                      "responses": sum(1 for e in seen if e["type"] == "response")}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        fail(__doc__)
    main(sys.argv[1], sys.argv[2])
