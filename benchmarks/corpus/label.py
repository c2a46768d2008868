"""Turn extracted candidates and a labeller's sheet into a labelled corpus file.

    python benchmarks/corpus/label.py CANDIDATES.toml SHEET.txt OUT.toml

A sheet has one line per formula kept, ``#`` comments and blank lines ignored::

    torch.nn.Softmax:1        | softmax          |                  |
    torch.nn.GRU:22           | FRAG             |                  | legend: N = batch size ...
    torch.addmm:5             |                  | matrix_multiplication | matrix multiply-add

fields: the candidate's id; the core concept ids (comma-separated; ``FRAG`` for a fragment,
empty for "a real formula, no concept an expert would name"); the ``also`` ids; a note. A note
that opens with ``SLIP <concept>:`` marks a formula whose source gets that concept wrong (it is
kept as written): it becomes the field ``slip = "<concept>"``, and a near-miss warning for that
concept there is a true one. Only the
formulas a sheet lists are written, in the candidates' order, with the candidates' text, place
and context unchanged: the labels are the only thing a person adds. An id the candidates lack
(the library changed since the sheet was written) or an id listed twice is an error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tomlio import dump, load


def _ids(field: str) -> list[str]:
    return [x.strip() for x in field.split(",") if x.strip()]


def read_sheet(path: Path) -> dict[str, dict[str, Any]]:
    labels: dict[str, dict[str, Any]] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) < 3:
            raise SystemExit(f"{path}:{n}: expected 'id | core | also | note', got {raw!r}")
        fid, core, also = fields[0], fields[1], fields[2]
        note = " | ".join(fields[3:]).strip() if len(fields) > 3 else ""
        if fid in labels:
            raise SystemExit(f"{path}:{n}: {fid} is labelled twice")
        fragment = core == "FRAG"
        labels[fid] = {"core": [] if fragment else _ids(core), "also": _ids(also), "fragment": fragment,
                       "note": note}
        if note.startswith("SLIP "):
            concept, _, rest = note[len("SLIP "):].partition(":")
            labels[fid].update(slip=concept.strip(), note=rest.strip())
    return labels


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        raise SystemExit(__doc__)
    candidates, sheet, out = (Path(a) for a in args)
    data = load(candidates)
    labels = read_sheet(sheet)
    known = {f["id"] for f in data["formula"]}
    missing = sorted(set(labels) - known)
    if missing:
        raise SystemExit(f"not among the candidates: {', '.join(missing)}")
    kept = []
    for f in data["formula"]:
        if f["id"] not in labels:
            continue
        entry = {**f, **labels[f["id"]]}
        if not entry["note"]:
            del entry["note"]
        kept.append(entry)
    source = data["source"]
    header = (f"# {source['name']}: formulas from {source['origin']}, labelled by hand.\n"
              "# Format and labelling rules: tests/data/realtext/README.md")
    out.write_text(dump(source, kept, header), encoding="utf-8")
    print(f"{out}: {len(kept)} formulas ({sum(f['display'] for f in kept)} display)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
