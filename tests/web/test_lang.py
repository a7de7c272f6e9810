"""lang/fr.hdf and lang/en.hdf hold the same keys, none of them empty."""

import os
import re
import unittest

import web


def keys(path):
    """Flattens an HDF file of nested blocks and 'name = value' lines."""
    found, stack = {}, []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.endswith("{"):
                stack.append(line[:-1].strip())
            elif line == "}":
                stack.pop()
            else:
                name, _, value = line.partition("=")
                found[".".join(stack + [name.strip()])] = value.strip()
    return found


def enum_values(srcdir, table, column):
    """The values an ENUM column can hold, over every migration."""
    values = set()
    folder = os.path.join(srcdir, "sql")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for statement in f.read().split(";"):
                if re.search(r"(CREATE|ALTER) TABLE (IF NOT EXISTS )?%s\b(?!_)" % table, statement):
                    for found in re.findall(r"\b%s\s+ENUM\(([^)]*)\)" % column, statement):
                        values |= set(re.findall(r"'([^']*)'", found))
    return values


def index_domains(srcdir):
    """What each indexed block of Lang is indexed by. Lang.Countries is
    indexed by the country chosen from that same block: it has no other
    list. The event kinds are those of a customer's timeline (customer.*,
    mail.*), written by the programs, with "." read as "_" (SQL_TIMELINE)."""
    code = ""
    for folder, _, files in os.walk(os.path.join(srcdir, "fcgi")):
        for name in files:
            if name.endswith(".c"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    code += f.read()
    kinds = {kind.replace(".", "_") for kind in re.findall(r'"((?:customer|mail)\.[a-z_]+)"', code)
             if not re.search(r"\.(c|h|cs)$", kind)}
    # the bulk actions' names: "[BULK_BLOCK] = "block"" (the choices of the
    # form's action) or "/* BULK_BLOCK */ { "block"" (a table of them)
    bulk = set(re.findall(r'(?:/\* BULK_[A-Z]+ \*/ \{ |\[BULK_[A-Z]+\] = )"([a-z_]+)"', code))
    assert kinds and bulk, "no event kinds or bulk actions found in fcgi/"
    return {
        "Event": kinds,
        "Status": enum_values(srcdir, "customer", "status"),
        "Source": enum_values(srcdir, "customer", "source"),
        "Customers.MailStatus": enum_values(srcdir, "outbox", "status"),
        "Customers.Bulk.Do": bulk,
        "Customers.Bulk.Confirm": bulk,
        "Customers.Bulk.Done": bulk,
    }


class Languages(unittest.TestCase):
    def setUp(self):
        base = os.path.join(web.STACK.srcdir, "lang")
        self.fr = keys(os.path.join(base, "fr.hdf"))
        self.en = keys(os.path.join(base, "en.hdf"))

    def test_every_french_key_exists_in_english(self):
        self.assertEqual(sorted(set(self.fr) - set(self.en)), [])

    def test_every_english_key_exists_in_french(self):
        self.assertEqual(sorted(set(self.en) - set(self.fr)), [])

    def test_no_string_is_empty(self):
        self.assertEqual([k for k, v in list(self.fr.items()) + list(self.en.items()) if not v], [])

    def test_every_indexed_key_the_templates_use_exists(self):
        """Lang.Event[e.kind] names a block, and every value the index can
        take (every event kind the programs write, every status the schema
        allows, every bulk action) has its string in both languages."""
        srcdir = web.STACK.srcdir
        used = set()
        for folder, _, files in os.walk(os.path.join(srcdir, "templates")):
            for name in files:
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    used |= set(re.findall(r"Lang\.([A-Za-z][A-Za-z0-9.]*)\[", f.read()))
        self.assertIn("Event", used)
        domains = index_domains(srcdir)
        missing = []
        for block in sorted(used):
            for language, strings in (("fr", self.fr), ("en", self.en)):
                if not any(key.startswith(block + ".") for key in strings):
                    missing.append("%s: %s (no such block)" % (language, block))
                    continue
                for value in sorted(domains.get(block, ())):
                    if block + "." + value not in strings:
                        missing.append("%s: %s.%s" % (language, block, value))
        self.assertEqual(missing, [])

    def test_every_key_the_templates_use_exists(self):
        used = set()
        root = os.path.join(web.STACK.srcdir, "templates")
        for folder, _, files in os.walk(root):
            for name in files:
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    used |= set(re.findall(r"Lang\.([A-Za-z]+(?:\.[A-Za-z0-9]+)+)", f.read()))
        # a key may name a value or a whole block (Lang.Status[c.status])
        known = set(self.fr)
        for key in self.fr:
            parts = key.split(".")
            known |= {".".join(parts[:i]) for i in range(1, len(parts))}
        self.assertEqual(sorted(k for k in used if k not in known), [])
