"""Build an N-fold knowledge base from the shared corpus: the corpus itself plus N-1 other boroughs' versions.

    python -m bench.generate OUT --copies 10 [--seed 2026] [--corpus ../shared/corpus]

The procedure is seeded: the same corpus, ``--copies`` and ``--seed`` give byte-identical files. Copy 0 is the
corpus as it is (without its README and question sets, which are not partnership documents). Copy k draws from
``random.Random(f"{seed}:{k}")``:

* **places**: a borough name (a prefix and a suffix from fixed lists, different for every copy) replaces Eastbrook
  in every spelling (``Eastbrook``, ``EASTBROOK``, ``eastbrook`` in e-mail domains and file names); the corpus's
  other invented places (Hollinsford, Millfield, Brookside, Thameside, Riverside) get names of their own;
* **people**: the corpus names people only by initials; initials that open an attendance line (``- DK – ...``) are
  mapped to other initials, wherever they appear in that document;
* **figures**: every other number is scaled by a factor drawn per copy in [0.7, 1.3] and rounded as written
  (integers stay integers, a decimal keeps its places); years and financial years (2025-26), times, section
  numbers (3.2.1) and numbers after Section, Level, Tier, Year, Q, item, paragraph, Room, aged or per are left;
* **dates**: the day of a written date (``12 February 2026``) moves by an offset drawn per copy (kept in 1..28);
* **ids**: action and reference ids (``SYV-16``) are renumbered by an offset drawn per copy; phone numbers keep
  the corpus's fictional 020 7946 range and get new last digits.

Formats: Markdown, text, HTML and CSV are rewritten as text (HTML markup is untouched: the patterns match only
text). DOCX files are rewritten with python-docx run by run (paragraphs and table cells), so they stay DOCX
(with fixed zip timestamps). **PDFs
are regenerated as Markdown** (``<name>.md``, one ``## Page N`` section per page, text from pypdf): no PDF writer is
installed, so a generated copy has no PDF pages to cite, only sections.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import REPO_ROOT

CORPUS = REPO_ROOT.parent / "shared" / "corpus"
SKIP = {"README.md"}
SKIP_SUFFIXES = {".jsonl"}
PLACES = ["Eastbrook", "Hollinsford", "Millfield", "Brookside", "Thameside", "Riverside"]
PREFIXES = ["Ash", "Bel", "Cal", "Dun", "Elm", "Fair", "Glen", "Hazel", "Kings", "Lark", "Mar", "North", "Oak",
            "Pen", "Red", "Stan", "Thorn", "West", "Wyn", "Holm", "Cran", "Fern", "Ivy", "Lyn"]
SUFFIXES = ["ford", "ley", "wick", "ton", "bury", "field", "worth", "mere", "dale", "ham", "stead", "gate"]
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December"
          "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
KEEP_AFTER = re.compile(r"(?:Section|section|Level|level|Tier|tier|Year|year|Q|item|Item|paragraph|Room|v|aged|per|"
                        r"Version|version|Phase|phase|Priority|priority|Step|step|Part|part)\s*$")
PATTERN = re.compile(
    rf"(?P<phone>\b020 7946 \d{{4}}\b)"
    rf"|(?P<date>\b(?P<day>[0-3]?\d)(?P<month>\s+(?:{MONTHS})\b))"
    r"|(?P<id>\b(?P<prefix>[A-Z]{2,5})-(?P<num>\d{1,3})\b)"
    r"|(?P<keep>\b(?:19|20)\d{2}(?:-\d{2}\b)?|\b\d{1,2}:\d{2}\b|\b\d+(?:\.\d+){2,}\b)"
    r"|(?P<number>(?<![\w.])\d+(?:\.\d+)?(?![\w]|\.\d))")
ATTENDEE = re.compile(r"(?m)^\s*[-*•]?\s*([A-Z]{2})\s+[–-]\s")


@dataclass(frozen=True)
class Borough:
    """What one generated copy changes: names, and the offsets and factor its figures move by."""

    places: dict[str, str]
    factor: float
    day_shift: int
    id_shift: int
    phone_shift: int
    rng_seed: str

    @classmethod
    def draw(cls, seed: int, copy: int, names: list[str]) -> Borough:
        rng = random.Random(f"{seed}:{copy}")
        places = dict(zip(PLACES, names, strict=True))
        return cls(places, rng.uniform(0.7, 1.3), rng.randint(1, 27), rng.randint(1, 40), rng.randint(1, 999),
                   f"{seed}:{copy}:initials")

    def rename(self, text: str) -> str:
        for old, new in self.places.items():
            text = text.replace(old, new).replace(old.upper(), new.upper()).replace(old.lower(), new.lower())
        return text

    def rewrite(self, text: str, initials: dict[str, str]) -> str:
        """One document's text in this borough (``initials``: that document's people, old to new)."""
        text = self.rename(text)
        text = PATTERN.sub(self._figure, text)
        if initials:
            text = re.sub(r"\b(" + "|".join(map(re.escape, initials)) + r")\b", lambda m: initials[m.group(1)],
                          text)
        return text

    def initials_for(self, text: str) -> dict[str, str]:
        rng = random.Random(self.rng_seed + text[:200])
        found = sorted(set(ATTENDEE.findall(text)))
        letters = "ABCDEFGHJKLMNPRSTWZ"
        return {old: rng.choice(letters) + rng.choice(letters) for old in found}

    def _figure(self, m: re.Match[str]) -> str:
        if m.group("phone"):
            head, last = m.group("phone")[:-4], int(m.group("phone")[-4:])
            return f"{head}{(last + self.phone_shift) % 1000:04d}"
        if m.group("date"):
            day = (int(m.group("day")) - 1 + self.day_shift) % 28 + 1
            return f"{day}{m.group('month')}"
        if m.group("id"):
            return f"{m.group('prefix')}-{int(m.group('num')) + self.id_shift:02d}"
        if m.group("keep"):
            return m.group(0)
        number = m.group("number")
        if KEEP_AFTER.search(m.string[max(0, m.start() - 12):m.start()]):
            return number
        if "." in number:
            places = len(number.split(".")[1])
            return f"{float(number) * self.factor:.{places}f}"
        value = int(number)
        return number if value < 2 else str(max(2, round(value * self.factor)))


def borough_names(seed: int, copies: int) -> list[list[str]]:
    """Place names for every copy after the first (which keeps the corpus's own): the borough's name is different in
    every copy; the other places are drawn from the same pool and may recur in other copies."""
    rng = random.Random(f"{seed}:names")
    pool = [p + s for p in PREFIXES for s in SUFFIXES]
    rng.shuffle(pool)
    if copies - 1 > len(pool):
        raise SystemExit(f"at most {len(pool) + 1} copies can get distinct borough names")
    names = []
    for k in range(copies - 1):
        others = rng.sample([n for n in pool if n != pool[k]], len(PLACES) - 1)
        names.append([pool[k], *others])
    return names


def documents(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in SKIP
                  and p.suffix.lower() not in SKIP_SUFFIXES)


def write_copy(corpus: Path, out: Path, borough: Borough | None) -> int:
    """Write one copy of every document under ``out``; returns the number of files written."""
    written = 0
    for source in documents(corpus):
        rel = source.relative_to(corpus)
        target = out / (borough.rename(str(rel)) if borough else str(rel))
        target.parent.mkdir(parents=True, exist_ok=True)
        if borough is None:
            shutil.copyfile(source, target)
        elif source.suffix.lower() == ".docx":
            _rewrite_docx(source, target, borough)
        elif source.suffix.lower() == ".pdf":
            _pdf_as_markdown(source, target.with_suffix(".md"), borough)
        else:
            text = source.read_text(encoding="utf-8", errors="replace")
            target.write_text(borough.rewrite(text, borough.initials_for(text)), encoding="utf-8")
        written += 1
    return written


def _rewrite_docx(source: Path, target: Path, borough: Borough) -> None:
    import docx

    document = docx.Document(str(source))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    initials = borough.initials_for("\n".join(p.text for p in paragraphs))
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if run.text:
                run.text = borough.rewrite(run.text, initials)
    document.save(str(target))
    _fix_zip_times(target)


def _fix_zip_times(path: Path) -> None:
    """python-docx stamps the zip entries with the time of saving; a fixed stamp keeps the output reproducible."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)


def _pdf_as_markdown(source: Path, target: Path, borough: Borough) -> None:
    from pypdf import PdfReader

    pages = [page.extract_text() or "" for page in PdfReader(str(source)).pages]
    text = "\n\n".join(f"## Page {n}\n\n{t.strip()}" for n, t in enumerate(pages, 1))
    title = source.stem.replace("-", " ").capitalize()
    target.write_text(borough.rewrite(f"# {title}\n\n{text}\n", borough.initials_for(text)), encoding="utf-8")


def generate(out: Path, copies: int, seed: int = 2026, corpus: Path = CORPUS,
             on_copy: Callable[[int], None] | None = None) -> int:
    """Write ``copies`` copies of the corpus under ``out`` (one folder per borough); returns the files written."""
    names = borough_names(seed, copies)
    written = write_copy(corpus, out / "000-eastbrook", None)
    for k in range(1, copies):
        borough = Borough.draw(seed, k, names[k - 1])
        written += write_copy(corpus, out / f"{k:03d}-{names[k - 1][0].lower()}", borough)
        if on_copy is not None:
            on_copy(k)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    print(f"{generate(args.out, args.copies, args.seed, args.corpus)} files written to {args.out}")


if __name__ == "__main__":
    main()
