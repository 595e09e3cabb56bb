"""The SQLite export's bars on the shared mirror, already ingested into a store.

Usage: python3 .ci/sqlite-bars.py BIN DB WORK

Exports the store as JSON Lines and as SQLite, three times each, alternately, so machine
noise hits both alike, and prints the best times (bar: SQLite under twice JSON Lines; not
met yet, so printed, not enforced).
Then checks the database: 1,295 cables, and a full-text phrase query that finds exactly
the cables whose body holds the phrase, by a case-insensitive grep of the JSON Lines
export with white space collapsed.
"""

import json
import pathlib
import re
import sqlite3
import subprocess
import sys
import time

PHRASE = "uranium enrichment"
RUNS = 3

binary, db, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
jsonl, database = work / "sqlite-bars.jsonl", work / "sqlite-bars.db"
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def timed(*args):
    started = time.perf_counter()
    subprocess.run([binary, "--db", db, "export", *args], check=True)
    return time.perf_counter() - started


jsonl_seconds, sqlite_seconds = [], []
for _ in range(RUNS):
    jsonl_seconds.append(timed("--out", str(jsonl)))
    sqlite_seconds.append(timed("--format", "sqlite", "--out", str(database)))
best_jsonl, best_sqlite = min(jsonl_seconds), min(sqlite_seconds)
# The speed bar is not met yet (FTS5's indexing alone outlasts the JSON Lines export), and
# issue 13 stays open for it: the figure is printed plainly on every run, and does not fail
# the run, so that the checks of what the database holds, below, keep guarding it.
ratio = best_sqlite / best_jsonl
print(
    ("ok    " if ratio < 2 else "NOT MET (issue 13 open)  ")
    + f"SQLite export {best_sqlite:.2f} s ({database.stat().st_size / 1e6:.1f} MB), JSON Lines "
    f"{best_jsonl:.2f} s ({jsonl.stat().st_size / 1e6:.1f} MB): {ratio:.2f}× "
    f"(best of {RUNS} each; bar under 2×)"
)

records = [json.loads(line) for line in jsonl.read_text().splitlines()]
connection = sqlite3.connect(database)
cables = connection.execute("SELECT count(*) FROM cables").fetchone()[0]
check(
    cables == len(records) == 1295,
    f"{cables} cables in SQLite, {len(records)} in JSON Lines (want 1,295)",
)
sources = connection.execute("SELECT count(*) FROM sources").fetchone()[0]
tags = connection.execute("SELECT count(*) FROM tags").fetchone()[0]
references = connection.execute('SELECT count(*) FROM "references"').fetchone()[0]
print(f"      {sources} sources, {tags} tags, {references} references")

found = {
    row[0]
    for row in connection.execute(
        "SELECT id FROM cables_fts WHERE cables_fts MATCH ?", (f'body:"{PHRASE}"',)
    )
}
grep = {
    record["id"]
    for record in records
    if PHRASE in re.sub(r"\s+", " ", record["body"].lower())
}
check(
    found == grep and len(grep) > 0,
    f'FTS body:"{PHRASE}" finds {len(found)} cables; a grep of the JSON Lines bodies '
    f"{len(grep)}; only FTS: {sorted(found - grep)[:5]}, only grep: {sorted(grep - found)[:5]}",
)
near = connection.execute(
    "SELECT count(*) FROM cables_fts WHERE cables_fts MATCH 'NEAR(uranium enrichment)'"
).fetchone()[0]
print(f"      NEAR(uranium enrichment): {near} cables")
sys.exit(1 if failures else 0)
