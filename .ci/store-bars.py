#!/usr/bin/env python3
"""The store's bars under damage (issue 10, item 5), on the shared mirror.

Ingests the WikiLeaks mirror into a store, then damages copies of it: single-byte flips at
random offsets, 4 KiB blocks of zeros, 4 KiB blocks of random bytes, truncations and
deletions, across sled's files (`db`, `conf`, `blobs/*`, `snap.*`) and the store's flush
record beside them (`cablestrip-flushed`), plus the leftover of a snapshot that sled never
finished (`snap.*.generating`, empty as a full disk leaves it, or half-written), in two
states of the store: straight after the ingest (no snapshot yet: sled recovers its whole
log when it next opens) and after one more open (sled has written a snapshot). On every
copy it runs every command that reads (status, status --json, export, show, verify,
check), then `check --repair` and the ingest again, and checks:

- every command exits 0, 1 or 3, never 101 or a signal, and no panic reaches stderr;
- `check` flags (exits non-zero) every copy whose export, before the repair, lost or
  changed cables, or failed;
- after `check --repair` and the ingest, the export equals the original, byte for byte
  (all 1,295 cables), and `check` finds the store sound.

Usage: store-bars.py BIN CABLEGATE_DIR [--copies N] [--seed S] [--only N]. Python 3 standard library
only. Prints figures; exits 1 when a bar is missed.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

SITE = "cablegate.wikileaks.org"
KINDS = ["flip", "zeros", "random", "truncate", "delete"]
# The classes of file damaged, and the kinds of damage each is given when every
# combination is tried once: a flush record is a few bytes of JSON, so a flip or a loss.
CLASSES = {
    "db": KINDS,
    "conf": KINDS,
    "blobs": KINDS,
    "snap": KINDS,
    "flushed": ["flip", "delete"],
    "generating": ["empty", "half"],
}
FLUSH_FILE = "cablestrip-flushed"
TIMEOUT = 120


def run(bin_path, db, *args, timeout=TIMEOUT):
    started = time.monotonic()
    try:
        done = subprocess.run(
            [bin_path, "--db", db, *args],
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
        code = done.returncode
        out, err = done.stdout, done.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        code, out, err = "timeout", b"", "timed out"
    return code, out, err, time.monotonic() - started


def sled_files(db):
    found = {"db": [], "conf": [], "blobs": [], "snap": [], "flushed": [], "generating": []}
    for name in sorted(os.listdir(db)):
        if name in ("db", "conf"):
            found[name].append(os.path.join(db, name))
        elif name == FLUSH_FILE:
            found["flushed"].append(os.path.join(db, name))
        elif name.startswith("snap."):
            found["snap"].append(os.path.join(db, name))
    # Where sled would have written its next snapshot: any store can be left with one.
    found["generating"].append(os.path.join(db, "snap.00000000FFFFFFFF.generating"))
    blobs = os.path.join(db, "blobs")
    if os.path.isdir(blobs):
        found["blobs"] = [os.path.join(blobs, n) for n in sorted(os.listdir(blobs))]
    return found


def damage(path, kind, rng):
    """Damages `path`; returns the offset and the file's size before (0 for a new file)."""
    if kind in ("empty", "half"):
        # A snapshot sled began and never finished: nothing, or the start of a real one.
        snapshots = [n for n in os.listdir(os.path.dirname(path))
                     if n.startswith("snap.") and not n.endswith(".generating")]
        data = b""
        if kind == "half" and snapshots:
            with open(os.path.join(os.path.dirname(path), snapshots[0]), "rb") as f:
                whole = f.read()
            data = whole[: len(whole) // 2]
        elif kind == "half":
            data = rng.randbytes(4096)
        with open(path, "wb") as f:
            f.write(data)
        return len(data), 0
    size = os.path.getsize(path)
    if kind == "delete":
        os.remove(path)
        return 0, size
    offset = rng.randrange(max(size, 1))
    with open(path, "r+b") as f:
        if kind == "flip":
            f.seek(offset)
            byte = f.read(1) or b"\0"
            f.seek(offset)
            f.write(bytes([byte[0] ^ (1 << rng.randrange(8))]))
        elif kind in ("zeros", "random"):
            offset -= offset % 4096
            length = min(4096, size - offset)
            f.seek(offset)
            f.write(b"\0" * length if kind == "zeros" else rng.randbytes(length))
        else:
            f.truncate(offset)
    return offset, size


def plan(bases, copies, rng):
    """Every (base, file class, kind) combination once, then random ones up to `copies`."""
    combos = []
    for base, files in bases:
        for cls, kinds in CLASSES.items():
            if files[cls]:
                for kind in kinds:
                    combos.append((base, cls, kind))
    rng.shuffle(combos)
    while len(combos) < copies:
        base, files = rng.choice(bases)
        cls = rng.choice([c for c in ("db", "db", "blobs", "blobs", "snap", "conf") if files[c]])
        combos.append((base, cls, rng.choice(KINDS)))
    return combos


def kind_counts(rows):
    kinds = []
    for r in rows:
        if r["kind"] not in kinds:
            kinds.append(r["kind"])
    return [(k, sum(r["kind"] == k for r in rows)) for k in kinds]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin")
    parser.add_argument("cablegate")
    parser.add_argument("--copies", type=int, default=0,
                        help="damaged copies; at least one of each combination of file and damage")
    parser.add_argument("--seed", type=int, default=20101128)
    parser.add_argument("--only", type=int, help="run only copy N of the plan (to look into it)")
    args = parser.parse_args()
    bin_path = os.path.abspath(args.bin)
    site = os.path.join(args.cablegate, "site")
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="store-bars-")
    failures = []
    started = time.monotonic()

    def bar(ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            failures.append(what)

    try:
        ingested = os.path.join(work, "ingested")
        code, _, err, seconds = run(bin_path, ingested, "-q", "ingest", site, "--site", SITE)
        if code != 0:
            print(f"FAIL  ingest of the mirror exited {code}: {err}")
            return 1
        # As the ingest left it, before any other open writes sled's snapshot.
        fresh = os.path.join(work, "fresh")
        shutil.copytree(ingested, fresh)
        code, original, err, _ = run(bin_path, ingested, "export")
        lines = original.splitlines()
        print(f"      ingested the mirror in {seconds:.1f} s; the original export holds {len(lines)} cables")
        bar(code == 0 and len(lines) == 1295, f"original export: {len(lines)} cables (want 1,295)")
        first_id = lines[0].split(b'"id":"', 1)[1].split(b'"', 1)[0].decode()
        # What the damaged copies must get back to is the truth itself.
        truth = os.path.join(args.cablegate, "truth.jsonl")
        code, scored, err, _ = run(bin_path, ingested, "eval", "--from-db", "--site", SITE, site, truth,
                                   "--min-exact", "1.0")
        exact = [line for line in scored.decode(errors="replace").splitlines() if "exact" in line][:1]
        bar(code == 0, f"the original store against truth.jsonl (eval --from-db): {exact[0].strip() if exact else err.strip()}")
        reopened = ingested  # opened again by the export: sled wrote a snapshot
        bases = [(fresh, sled_files(fresh)), (reopened, sled_files(reopened))]
        for base, files in bases:
            print(f"      base {os.path.basename(base)}: db {os.path.getsize(files['db'][0])} bytes, "
                  f"{len(files['blobs'])} blob files, {len(files['snap'])} snapshot(s)")

        rows = []
        for n, (base, cls, kind) in enumerate(plan(bases, args.copies, rng)):
            if args.only is not None and n != args.only:
                continue
            db = os.path.join(work, f"copy{n}")
            shutil.copytree(base, db)
            # Each copy's damage from a generator of its own, so that --only N damages
            # copy N exactly as a whole run does.
            copy_rng = random.Random(f"{args.seed}-{n}")
            target = copy_rng.choice(sled_files(db)[cls])
            offset, size = damage(target, kind, copy_rng)
            where = os.path.relpath(target, db)
            codes = {}
            panicked = []
            unclear = []

            def step(name, *command):
                code, out, err, _ = run(bin_path, db, *command)
                codes[name] = code
                # Rust's own panic message ("thread 'main' panicked at"), not the store's
                # error that quotes a panic it caught.
                if "' panicked at" in err or "RUST_BACKTRACE" in err or code not in (0, 1, 3):
                    panicked.append(f"{name}: exit {code}: {err.strip()[-300:]}")
                # A store that cannot be used is named, with what to do about it.
                said = err + out.decode(errors="replace")
                if code == 3 and not (db in said and "check --repair" in said):
                    unclear.append(f"#{n} {name}: {err.strip()[-300:]}")
                return code, out

            export_code, exported = step("export", "export")
            step("status", "status")
            step("status --json", "status", "--json")
            step("show", "show", first_id)
            step("verify", "verify")
            check_code, _ = step("check", "check")
            step("check --json", "check", "--json")
            _, repair_out = step("check --repair", "check", "--repair")
            step("ingest", "-q", "ingest", site, "--site", SITE)
            after_code, after = step("export after", "export")
            final_code, final_out = step("check after", "check")
            kept = len(exported.splitlines()) if export_code == 0 else 0
            lost = export_code != 0 or exported != original
            rows.append({
                "n": n, "base": os.path.basename(base), "file": where, "class": cls, "kind": kind,
                "offset": offset, "size": size, "codes": codes, "panics": panicked, "unclear": unclear,
                "kept": kept, "lost": lost, "flagged": check_code != 0,
                "restored": after_code == 0 and after == original, "sound_after": final_code == 0,
            })
            print(f"      #{n:<2} {os.path.basename(base):<8} {kind:<8} {where:<28} at {offset:>8} of {size:>8}: "
                  f"export {export_code} ({kept} cables), check {check_code}, "
                  f"repair {codes['check --repair']}, ingest {codes['ingest']}, "
                  f"after: {len(after.splitlines())} cables{' identical' if after == original else ' DIFFERENT'}")
            if final_code != 0 or after != original:
                print("        check --repair said:\n          "
                      + "\n          ".join(repair_out.decode(errors="replace").splitlines()[-12:]))
                print("        check after the ingest says:\n          "
                      + "\n          ".join(final_out.decode(errors="replace").splitlines()[-12:]))
            shutil.rmtree(db, ignore_errors=True)
            for leftover in os.listdir(work):
                if leftover.startswith(f"copy{n}.damaged"):
                    shutil.rmtree(os.path.join(work, leftover), ignore_errors=True)

        total = len(rows)
        lossy = [r for r in rows if r["lost"]]
        print(f"\n      {total} damaged copies ({sum(r['base'] == 'fresh' for r in rows)} without a snapshot, "
              f"{sum(r['base'] != 'fresh' for r in rows)} with one); "
              + ", ".join(f"{k} {n}" for k, n in kind_counts(rows)) + "; "
              + ", ".join(f"{c} {sum(r['class'] == c for r in rows)}" for c in CLASSES))
        opened = sum(r["codes"]["export"] != 3 for r in rows)
        print(f"      export opened {opened} of them and refused {total - opened} with exit 3; "
              f"{len(lossy)} lost or changed cables before the repair "
              f"(cables kept by their export: {sorted(r['kept'] for r in lossy)})")
        repairs = [r["codes"]["check --repair"] for r in rows]
        print(f"      check --repair exited 0 on {repairs.count(0)} (sound, nothing lost) and 1 on "
              f"{repairs.count(1)} (pages to fetch or ingest again); the ingest after it stored "
              f"what was lost")
        panics = [p for r in rows for p in r["panics"]]
        bar(total >= 30 or args.only is not None, f"{total} damaged copies (bar: at least 30)")
        bar(not panics, f"every command exited 0, 1 or 3 on every copy, with no panic: "
                        f"{len(panics)} exceptions" + (f"; first: {panics[0]}" if panics else ""))
        unclear = [u for r in rows for u in r["unclear"]]
        refusals = sum(code == 3 for r in rows for code in r["codes"].values())
        bar(not unclear, f"each of the {refusals} refusals (exit 3) named the store and `check --repair`: "
                         f"{len(unclear)} did not" + (f"; first: {unclear[0]}" if unclear else ""))
        missed = [r["n"] for r in lossy if not r["flagged"]]
        bar(not missed, f"check flagged {len(lossy) - len(missed)} of the {len(lossy)} copies that lost data"
                        + (f"; missed #{missed}" if missed else "")
                        + f"; it flagged {sum(r['flagged'] for r in rows)} of {total} in all")
        restored = sum(r["restored"] for r in rows)
        bar(restored == total, f"after check --repair and the ingest, {restored} of {total} exports equal the original 1,295 cables"
                               + (f"; not: #{[r['n'] for r in rows if not r['restored']]}" if restored != total else ""))
        sound = sum(r["sound_after"] for r in rows)
        bar(sound == total, f"check finds {sound} of {total} repaired stores sound")
        print(f"      {time.monotonic() - started:.0f} s in all")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
