"""The French catalogue is complete: every message the code and templates mark for translation has a French
text in it, none is fuzzy, and the compiled .mo matches the .po."""

import ast
import re
from pathlib import Path

import polib

import copil

PACKAGE = Path(copil.__file__).parent
LOCALE = PACKAGE / "locale" / "fr" / "LC_MESSAGES"
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
TEMPLATE_TAG = re.compile(
    r"""{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<text>.*?)(?P=q)(?:\s+context\s+(?P<c>["'])(?P<context>.*?)(?P=c))?"""
)


def _catalogue() -> dict[tuple[str | None, str], polib.POEntry]:
    po = polib.pofile(str(LOCALE / "django.po"))
    return {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}


def _marked_messages() -> set[tuple[str | None, str, str]]:
    """(context, msgid, where) of every literal message passed to gettext in Python and {% translate %}."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT:
                continue
            args = node.args[1:] if name.startswith("pgettext") else node.args
            context = (
                node.args[0].value if name.startswith("pgettext") and isinstance(node.args[0], ast.Constant) else None
            )
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                found.add((context, args[0].value, f"{path.relative_to(PACKAGE)}:{node.lineno}"))
    for path in PACKAGE.rglob("templates/**/*.html"):
        for match in TEMPLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            found.add((match["context"], match["text"], str(path.relative_to(PACKAGE))))
    return found


def test_one_catalogue_for_the_whole_project():
    assert [p.relative_to(PACKAGE) for p in PACKAGE.rglob("django.po")] == [Path("locale/fr/LC_MESSAGES/django.po")]


def test_every_marked_message_has_a_french_text():
    catalogue = _catalogue()
    messages = _marked_messages()
    assert len(messages) > 500
    missing = sorted(
        f"{where}: {msgid!r}"
        for context, msgid, where in messages
        if (context, msgid) not in catalogue
        or not catalogue[(context, msgid)].translated()
        or catalogue[(context, msgid)].fuzzy
    )
    assert missing == [], "run `copil makemessages -l fr` in copil/, translate, then `copil compilemessages`"


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 100
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []


def test_compiled_catalogue_is_up_to_date():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(LOCALE / "django.mo"))}
    stale = []
    for entry in po.translated_entries():
        compiled = mo.get((entry.msgctxt, entry.msgid))
        if compiled is None or (compiled.msgstr, compiled.msgstr_plural) != (entry.msgstr, entry.msgstr_plural):
            stale.append(entry.msgid)
    assert stale == [], "run `copil compilemessages -l fr` in copil/"
