"""Every catalogue under ocim/ is complete in French and its compiled .mo matches its .po.

The .mo files are committed (a fresh machine may lack GNU gettext), so a .po edited without
recompiling would silently show English: this test catches it by comparing the messages of
each .po, parsed here, with those gettext reads from the .mo.
"""

import ast
import gettext
from pathlib import Path

import pytest

OCIM_DIR = Path(__file__).resolve().parents[2]
PO_FILES = sorted(OCIM_DIR.glob("**/locale/*/LC_MESSAGES/django.po"))


def parse_po(path):
    """Entries of a .po file: dicts with msgctxt, msgid, msgid_plural, msgstr (list), flags."""
    entries = []
    entry = None
    field = None

    def finish():
        if entry is not None and ("msgid" in entry):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if line.startswith("#~"):  # obsolete entries are not compiled
            continue
        if entry is None:
            entry = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            field = keyword
            if field.startswith("msgstr"):
                index = int(field[7:-1]) if "[" in field else 0
                field = ("msgstr", index)
                entry["msgstr"][index] = ""
            else:
                entry[field] = ""
        if isinstance(field, tuple):
            entry["msgstr"][field[1]] += value
        else:
            entry[field] += value
    finish()
    for item in entries:
        item["msgstr"] = [item["msgstr"][key] for key in sorted(item["msgstr"])]
    return entries


def expected_catalog(entries):
    """What msgfmt puts in the .mo: translated, non-fuzzy messages (keys as gettext reads them)."""
    catalog = {}
    for item in entries:
        if item["msgid"] == "" or "fuzzy" in item["flags"] or not all(item["msgstr"]):
            continue
        key = item["msgid"] if item["msgctxt"] is None else f"{item['msgctxt']}\x04{item['msgid']}"
        if item["msgid_plural"] is not None:
            for index, text in enumerate(item["msgstr"]):
                catalog[(key, index)] = text
        else:
            catalog[key] = item["msgstr"][0]
    return catalog


def test_catalogues_exist():
    languages = {(po.parents[2].parent, po.parents[1].name) for po in PO_FILES}
    assert (OCIM_DIR, "fr") in languages
    assert (OCIM_DIR / "core", "fr") in languages


@pytest.mark.parametrize(
    "po_path",
    [po for po in PO_FILES if po.parents[1].name == "fr"],
    ids=lambda p: str(p.relative_to(OCIM_DIR)),
)
def test_french_catalogue_is_complete(po_path):
    problems = []
    for item in parse_po(po_path):
        if item["msgid"] == "":
            if "fuzzy" in item["flags"]:
                problems.append("the header is marked fuzzy")
            continue
        if "fuzzy" in item["flags"]:
            problems.append(f"fuzzy: {item['msgid']!r}")
        elif not all(item["msgstr"]):
            problems.append(f"untranslated: {item['msgid']!r}")
    assert problems == [], f"{po_path}: " + "; ".join(problems)


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(OCIM_DIR)))
def test_compiled_catalogue_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    compiled = {key: value for key, value in compiled.items() if key != ""}

    expected = expected_catalog(parse_po(po_path))

    missing = sorted(str(key) for key in expected.keys() - compiled.keys())
    stale = sorted(str(key) for key in compiled.keys() - expected.keys())
    changed = sorted(
        str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key]
    )
    assert not (missing or stale or changed), (
        f"{mo_path} is out of date with its .po (run compilemessages): "
        f"missing {missing[:5]}, stale {stale[:5]}, changed {changed[:5]}"
    )


def test_parser_reads_plurals_context_and_fuzzy(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "Old"\nmsgstr "Vieux"\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgstr "mai"\n\n'
        'msgid "%(n)s result"\nmsgid_plural "%(n)s results"\n'
        'msgstr[0] "%(n)s résultat"\nmsgstr[1] "%(n)s résultats"\n\n'
        'msgid ""\n"Two "\n"lines"\nmsgstr "Deux \\"lignes\\""\n',
        encoding="utf-8",
    )
    catalog = expected_catalog(parse_po(po))
    assert catalog == {
        "month\x04May": "mai",
        ("%(n)s result", 0): "%(n)s résultat",
        ("%(n)s result", 1): "%(n)s résultats",
        "Two lines": 'Deux "lignes"',
    }
