"""Translation catalogs: extract, check and compile.

Each area of the package that has a ``translations/`` folder (``eventdesk/<area>/``) owns
the strings of its Python files and of ``templates/<area>/`` (an activity kind's,
``eventdesk/activities/<kind>/``, those of ``templates/<kind>/``); everything else belongs to
the package catalog in ``eventdesk/translations/``. Message ids are English; the Chinese
(zh_Hans) catalogs must translate every one of them.

    python scripts/catalogs.py update    # add new strings to the catalogs, drop gone ones
    python scripts/catalogs.py check     # exit 1 if a string has no Chinese translation, has two,
                                         # or names a thing otherwise than docs/glossary.md
    python scripts/catalogs.py compile   # write the .mo files the app reads
"""

import datetime as dt
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "eventdesk"
TEMPLATES = ROOT / "templates"
GLOSSARY = ROOT / "docs" / "glossary.md"
LANGUAGE = "zh_Hans"
# Catalog headers carry no dates that change on every update, so diffs show only strings.
_FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}


def catalog_dirs() -> dict[str, Path]:
    """Area name → its translations folder; the package catalog is the area ``""``."""
    areas = {"": PACKAGE / "translations"}
    for folder in sorted(PACKAGE.glob("*/translations")) + sorted(PACKAGE.glob("activities/*/translations")):
        areas[str(folder.parent.relative_to(PACKAGE))] = folder
    return areas


def _area_of(path: Path, areas: dict[str, Path]) -> str:
    relative = path.relative_to(TEMPLATES) if path.is_relative_to(TEMPLATES) else path.relative_to(PACKAGE)
    parts = relative.parts[:-1]
    # An activity kind's templates (templates/<kind>/) belong to the kind's own catalog.
    if path.is_relative_to(TEMPLATES) and parts and f"activities/{parts[0]}" in areas:
        return f"activities/{parts[0]}"
    for depth in (2, 1):
        candidate = "/".join(parts[:depth])
        if len(parts) >= depth and candidate in areas:
            return candidate
    return ""


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, "python"
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        yield path, "jinja2.ext:babel_extract"


def extract() -> dict[str, Catalog]:
    areas = catalog_dirs()
    catalogs = {area: _new_catalog() for area in areas}
    options = {"trimmed": "true", "extensions": "jinja2.ext.do"}
    for path, method in _sources():
        area = _area_of(path, areas)
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options if method != "python" else {}
        ):
            catalogs[area].add(
                message,
                locations=[(str(path.relative_to(ROOT)), lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalogs


def _new_catalog() -> Catalog:
    return Catalog(
        locale=LANGUAGE,
        project="EventDesk",
        version="1",
        copyright_holder="EventDesk",
        msgid_bugs_address="",
        creation_date=_FIXED_DATE,
        revision_date=_FIXED_DATE,
        last_translator="EventDesk",
        language_team="EventDesk",
    )


def _po_path(area: str) -> Path:
    return catalog_dirs()[area] / LANGUAGE / "LC_MESSAGES" / "messages.po"


def _read(area: str) -> Catalog:
    path = _po_path(area)
    if not path.exists():
        return _new_catalog()
    with path.open("rb") as handle:
        return read_po(handle, locale=LANGUAGE)


def _known_translations() -> dict[tuple, object]:
    """Every translation in every catalog, so that a string moving between areas keeps its own."""
    known = {}
    for area in catalog_dirs():
        for message in _read(area):
            if message.id and message.string:
                known[(message.context, message.id if isinstance(message.id, str) else tuple(message.id))] = (
                    message.string
                )
    return known


def update() -> None:
    known = _known_translations()
    for area, template in extract().items():
        catalog = _read(area)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        for message in catalog:
            key = (message.context, message.id if isinstance(message.id, str) else tuple(message.id))
            if message.id and not message.string and key in known:
                message.string = known[key]
        catalog.obsolete.clear()
        catalog.fuzzy = False
        path = _po_path(area)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


def missing() -> list[str]:
    """Strings used in the code with no Chinese translation in their area's catalog."""
    problems = []
    for area, template in extract().items():
        catalog = _read(area)
        for message in template:
            if not message.id:
                continue
            translated = catalog.get(message.id, context=message.context)
            strings = translated.string if translated else None
            ok = all(strings) if isinstance(strings, tuple | list) else bool(strings)
            if not ok or (translated and translated.fuzzy):
                where = message.locations[0][0] if message.locations else "?"
                problems.append(f"{_po_path(area).relative_to(ROOT)}: {message.id!r} (used in {where})")
    return problems


def clashes() -> list[str]:
    """Strings translated differently in two areas: the app merges all catalogs into one, so
    only one translation could win. Give such strings one wording, or distinct message ids."""
    seen: dict[tuple, dict[str, str]] = {}
    for area in catalog_dirs():
        for message in _read(area):
            if not message.id or not message.string:
                continue
            key = (message.context, message.id if isinstance(message.id, str) else tuple(message.id))
            seen.setdefault(key, {})[area or "eventdesk"] = str(message.string)
    problems = []
    for (context, message_id), translations in sorted(seen.items(), key=lambda item: str(item[0])):
        if len(set(translations.values())) > 1:
            where = ", ".join(f"{area}: {text}" for area, text in sorted(translations.items()))
            label = f"{message_id!r} ({context})" if context else repr(message_id)
            problems.append(f"{label} is translated differently: {where}")
    return problems


def other_names() -> dict[str, str]:
    """Names a thing must not go by → the glossary's name for it (its "not" column)."""
    names = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("中文", "---"):
            continue
        names.update(dict.fromkeys(filter(None, cells[3].split("、")), cells[0]))
    return names


def off_glossary() -> list[str]:
    """Chinese translations that name a thing otherwise than the glossary does."""
    names = other_names()
    problems = []
    for area in catalog_dirs():
        where = _po_path(area).relative_to(ROOT)
        for message in _read(area):
            strings = message.string if isinstance(message.string, tuple | list) else [message.string]
            for text in filter(None, strings):
                problems += [
                    f"{where}: {message.id!r} says {other}; the glossary says {name}"
                    for other, name in names.items()
                    if other in text
                ]
    return problems


def compile_all() -> None:
    for area in catalog_dirs():
        path = _po_path(area)
        if not path.exists():
            continue
        catalog = _read(area)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        problems = missing() + clashes() + off_glossary()
        for problem in problems:
            print(problem)
        if problems:
            print(
                f"{len(problems)} strings lack a Chinese translation, have two or stray from the glossary",
                file=sys.stderr,
            )
            return 1
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
