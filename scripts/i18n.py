"""Translation catalogues: one per feature (see hostdesk/i18n.py).

    python scripts/i18n.py update [FEATURE ...]   extract strings, merge into nl and en catalogues
    python scripts/i18n.py compile [FEATURE ...]  compile .po to .mo
    python scripts/i18n.py check [FEATURE ...]    fail when a Dutch or English message is missing or fuzzy
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hostdesk.i18n import CATALOGUES  # noqa: E402

LANGUAGES = ("nl", "en")


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], cwd=ROOT, check=True)  # noqa: S603


def sources(patterns: list[str]) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        found += [str(p.relative_to(ROOT)) for p in sorted(ROOT.glob(pattern))] if "*" in pattern else [pattern]
    return [s for s in found if (ROOT / s).exists()]


def extract(name: str, pot: Path) -> None:
    _, patterns = CATALOGUES[name]
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
            "-o", str(pot), *sources(patterns))


def update(name: str) -> None:
    folder, _ = CATALOGUES[name]
    pot = folder / "messages.pot"
    folder.mkdir(parents=True, exist_ok=True)
    extract(name, pot)
    for lang in LANGUAGES:
        po = folder / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel("update", "-i", str(pot), "-d", str(folder), "-l", lang, "--no-fuzzy-matching")
        else:
            pybabel("init", "-i", str(pot), "-d", str(folder), "-l", lang)
    fill_english(folder / "en" / "LC_MESSAGES" / "messages.po")
    clear_header_fuzzy(folder / "nl" / "LC_MESSAGES" / "messages.po")


def clear_header_fuzzy(po: Path) -> None:
    """A new catalogue's header is marked fuzzy, and pybabel compile would skip the whole file."""
    from babel.messages.pofile import read_po, write_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    catalog.fuzzy = False
    with po.open("wb") as handle:
        write_po(handle, catalog, width=120)


def fill_english(po: Path) -> None:
    """The source strings are English: the English catalogue repeats them, so it is complete too."""
    from babel.messages.pofile import read_po, write_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable and not all(message.string):
            message.string = tuple(message.id)  # English: one form for 1, the other for the rest
        elif not message.pluralizable and not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    catalog.fuzzy = False
    with po.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, width=120)


def compile_(name: str) -> None:
    folder, _ = CATALOGUES[name]
    if (folder / "nl").exists():
        pybabel("compile", "-d", str(folder), "--statistics")


def _key(value):
    """Plural messages: read_mo gives lists, read_po tuples."""
    return tuple(value) if isinstance(value, list) else value


def missing(name: str) -> list[str]:
    """What the sources say that a catalogue does not translate (extracted afresh, so a string
    added without running `update` counts as missing too)."""
    import tempfile

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    folder, _ = CATALOGUES[name]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "fresh.pot"
        extract(name, pot)
        with pot.open("rb") as handle:
            wanted = {m.id for m in read_po(handle) if m.id}
    for lang in LANGUAGES:
        po = folder / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            problems.append(f"{po} is missing")
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        if catalog.fuzzy:
            problems.append(f"{po}: the catalogue header is marked fuzzy (compile would skip it)")
        for message_id in sorted(wanted, key=str):
            message = catalog.get(message_id)
            text = message and (message.string if isinstance(message.string, str) else all(message.string))
            if not text or message.fuzzy:
                problems.append(f"{name}/{lang}: {message_id!r}")
        mo = po.with_suffix(".mo")
        if lang == "nl":
            if not mo.exists():
                problems.append(f"{mo} is missing: run scripts/i18n.py compile {name}")
            else:
                with mo.open("rb") as handle:
                    compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
                current = [m for m in catalog if m.id and m.string and not m.fuzzy]
                if any(compiled.get(_key(m.id)) != _key(m.string) for m in current):
                    problems.append(f"{mo} is older than its .po: run scripts/i18n.py compile {name}")
    return problems


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"update", "compile", "check"}:
        print(__doc__)
        return 2
    names = argv[1:] or list(CATALOGUES)
    if argv[0] == "update":
        for name in names:
            update(name)
    elif argv[0] == "compile":
        for name in names:
            compile_(name)
    else:
        problems = [p for name in names for p in missing(name)]
        print("\n".join(problems) or "every message is translated")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
