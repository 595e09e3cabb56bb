#!/usr/bin/env python3
"""Records a folder of saved pages, served on 127.0.0.1, into a WARC with warcio.

usage: record_site_with_warcio.py SITE_DIR OUT.warc.gz

Serves every file under SITE_DIR at its relative path with http.server on 127.0.0.1:
the first file (in name order) plainly with an ETag and Last-Modified, the second
gzip-encoded, the third chunked, and so on in turn. Fetches each through warcio's
capture_http (request and response records, one gzip member each), then the first file
again, written as a `revisit` of the first copy (identical payload digest, as
deduplicating crawlers write it). Prints {"base": "http://127.0.0.1:PORT", "paths": [...],
"codings": {path: "plain"|"gzip"|"chunked"}} as JSON. Exits 2 when warcio is missing.
"""
import gzip
import json
import os
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    # capture_http must be imported before anything makes a connection.
    from warcio.capture_http import capture_http
    from warcio.warcwriter import WARCWriter
except ImportError:
    sys.stderr.write("warcio is missing: pip install warcio\n")
    sys.exit(2)

CODINGS = ["plain", "gzip", "chunked"]


def pages_of(root):
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            full = os.path.join(folder, name)
            found.append("/" + os.path.relpath(full, root).replace(os.sep, "/"))
    return sorted(found)


def main(root, out_path):
    paths = pages_of(root)
    codings = {path: CODINGS[i % len(CODINGS)] for i, path in enumerate(paths)}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            coding = codings.get(self.path)
            if coding is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                return
            with open(os.path.join(root, self.path.lstrip("/")), "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            if coding == "chunked":
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for start in range(0, len(body), 4096):
                    chunk = body[start:start + 4096]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
                return
            if coding == "gzip":
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
            else:
                self.send_header("ETag", '"%s"' % self.path.replace("/", "-"))
                self.send_header("Last-Modified", "Sun, 28 Nov 2010 18:00:00 GMT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % server.server_address[1]
    first_seen = {}

    def dedupe(request, response, recorder):
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

    with open(out_path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(
            os.path.basename(out_path), {"software": "warcio capture_http"}))
        with capture_http(writer, filter_func=dedupe):
            for path in paths + paths[:1]:
                request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
    server.shutdown()
    print(json.dumps({"base": base, "paths": paths, "codings": codings}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(1)
    main(sys.argv[1], sys.argv[2])
