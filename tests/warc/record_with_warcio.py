#!/usr/bin/env python3
"""Records a few pages served on 127.0.0.1 into a WARC with warcio's capture_http.

usage: record_with_warcio.py OUT.warc.gz

Serves pages written here (a plain one with validators, a gzip-encoded one, a chunked
one, a 404) with http.server on 127.0.0.1, fetches each through capture_http (which
writes request and response records, one gzip member each), fetches the plain page a
second time so that its response is written as a `revisit` (identical payload digest,
as deduplicating crawlers write it), and adds a warcinfo and a metadata record. Prints
what a reader must find, as JSON: {"pages": [{"url", "status", "body_hex",
"content_type", "etag", "last_modified", "revisit"}], "records": {type: count}}.
Exits 2 when warcio is missing.
"""
import gzip
import io
import json
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    # capture_http must be imported before anything makes a connection.
    from warcio.capture_http import capture_http
    from warcio.warcwriter import WARCWriter
except ImportError:
    sys.stderr.write("warcio is missing: pip install warcio\n")
    sys.exit(2)

PLAIN = "<html><body><pre>¶1. (C) SUMMARY: the plain page.</pre></body></html>".encode("utf-8")
GZIPPED = ("<html><pre>" + "gzip-encoded cable text. " * 200 + "</pre></html>").encode("utf-8")
CHUNKS = [b"<html><pre>chunked ", b"cable ", ("text " * 100).encode("ascii"), b"</pre></html>"]
LATIN1 = "<html><p>caf\u00e9 \u00a7 1</p></html>".encode("windows-1252")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/plain.html":
            self.send(200, [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"plain-1"'),
                            ("Last-Modified", "Fri, 10 Dec 2010 10:00:00 GMT")], PLAIN)
        elif self.path == "/gzip.html":
            self.send(200, [("Content-Type", "text/html; charset=utf-8"),
                            ("Content-Encoding", "gzip")], gzip.compress(GZIPPED))
        elif self.path == "/latin1.html":
            self.send(200, [("Content-Type", "text/html; charset=windows-1252")], LATIN1)
        elif self.path == "/chunked.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in CHUNKS:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send(404, [("Content-Type", "text/plain")], b"not here")


def main(out_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % server.server_address[1]
    first_seen = {}

    def dedupe(request, response, recorder):
        # The second response with a payload already written becomes a revisit of it.
        digest = response.rec_headers.get_header("WARC-Payload-Digest")
        if digest in first_seen:
            uri, date = first_seen[digest]
            revisit = writer.create_revisit_record(
                response.rec_headers.get_header("WARC-Target-URI"), digest, uri, date,
                http_headers=response.http_headers)
            return request, revisit
        first_seen[digest] = (response.rec_headers.get_header("WARC-Target-URI"),
                              response.rec_headers.get_header("WARC-Date"))
        return request, response

    pages = []
    with open(out_path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(
            "recorded.warc.gz", {"software": "warcio capture_http", "note": "cablestrip test"}))
        with capture_http(writer, filter_func=dedupe):
            for path, body, headers, revisit in [
                ("/plain.html", PLAIN, ("text/html; charset=utf-8", '"plain-1"',
                                        "Fri, 10 Dec 2010 10:00:00 GMT"), False),
                ("/gzip.html", GZIPPED, ("text/html; charset=utf-8", None, None), False),
                ("/chunked.html", b"".join(CHUNKS), ("text/html", None, None), False),
                ("/latin1.html", LATIN1, ("text/html; charset=windows-1252", None, None), False),
                ("/missing", b"not here", ("text/plain", None, None), False),
                ("/plain.html", PLAIN, ("text/html; charset=utf-8", '"plain-1"',
                                        "Fri, 10 Dec 2010 10:00:00 GMT"), True),
            ]:
                request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status = response.status
                        response.read()
                except urllib.error.HTTPError as error:
                    status = error.code
                    error.read()
                pages.append({"url": base + path, "status": status, "body_hex": body.hex(),
                              "content_type": headers[0], "etag": headers[1],
                              "last_modified": headers[2], "revisit": revisit})
        writer.write_record(writer.create_warc_record(
            base + "/plain.html", "metadata", payload=io.BytesIO(b"via: test\r\n"),
            warc_content_type="application/warc-fields"))
    server.shutdown()
    records = {"warcinfo": 1, "request": len(pages), "response": len(pages) - 1,
               "revisit": 1, "metadata": 1}
    print(json.dumps({"pages": pages, "records": records}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(1)
    main(sys.argv[1])
