"""The French catalogue is complete and its compiled .mo matches the .po."""

from pathlib import Path

import polib

import copil

LOCALE = Path(copil.__file__).parent / "locale" / "fr" / "LC_MESSAGES"


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
