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
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True)  # noqa: S603


def sources(patterns: list[str]) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        found += [str(p.relative_to(ROOT)) for p in sorted(ROOT.glob(pattern))] if "*" in pattern else [pattern]
    return [s for s in found if (ROOT / s).exists()]


def update(name: str) -> None:
    folder, patterns = CATALOGUES[name]
    pot = folder / "messages.pot"
    folder.mkdir(parents=True, exist_ok=True)
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output", "--omit-header",
            "-o", str(pot), *sources(patterns))
    for lang in LANGUAGES:
        po = folder / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel("update", "-i", str(pot), "-d", str(folder), "-l", lang, "--no-fuzzy-matching", "--omit-header")
        else:
            pybabel("init", "-i", str(pot), "-d", str(folder), "-l", lang)


def compile_(name: str) -> None:
    folder, _ = CATALOGUES[name]
    if (folder / "nl").exists():
        pybabel("compile", "-d", str(folder), "--statistics")


def missing(name: str) -> list[str]:
    from babel.messages.pofile import read_po

    folder, _ = CATALOGUES[name]
    problems = []
    for lang in ("nl",):
        po = folder / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            problems.append(f"{po} is missing")
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            text = message.string if isinstance(message.string, str) else all(message.string)
            if not text or message.fuzzy:
                problems.append(f"{name}/{lang}: {message.id!r}")
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
