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
