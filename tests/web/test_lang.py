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

    def test_french_punctuation_never_starts_a_line(self):
        """French puts a space before : ; ! ? and inside « »: a no-break
        one, or a phone's narrow screen begins a line with ": votre
        compte". The "( ; )" of the separator's name shows the character."""
        loose = []
        with open(os.path.join(web.STACK.srcdir, "lang", "fr.hdf"), encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                _, equals, value = line.rstrip("\n").partition(" = ")
                if not line.lstrip().startswith("#") and equals and \
                        re.search(r"[^ (] [:;!?»]|« ", value):
                    loose.append("fr.hdf:%d: %s" % (number, value))
        self.assertEqual(loose, [])
        self.assertEqual(self.fr["Typo.Colon"], ":")  # keys() strips the U+00A0

    def test_one_apostrophe_throughout(self):
        """The straight one, as most of the texts had it: a page that
        mixed "l'étiquette" and "l’étiquette" read as two hands."""
        curly = ["%s: %s" % (k, v) for k, v in list(self.fr.items()) + list(self.en.items())
                 if "\u2019" in v]
        self.assertEqual(curly, [])

    def test_templates_leave_punctuation_to_the_language(self):
        """A template writes Lang.Typo's marks, not French ones that the
        English page would show as "Reason : …" or "« VIP »"."""
        found = []
        root = os.path.join(web.STACK.srcdir, "templates")
        for folder, _, files in os.walk(root):
            for name in files:
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        if re.search(r"\?> [:;!?]|[^>]« <\?cs|\?> »", line):
                            found.append("%s:%d" % (os.path.relpath(os.path.join(folder, name),
                                                                    root), number))
        self.assertEqual(found, [])

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


# --- which sections of the files each program reads ---------------------------

def top_sections(path):
    with open(path, encoding="utf-8") as f:
        return re.findall(r"^([A-Za-z_]+) *\{$", f.read(), re.M)


def core_sections(srcdir):
    """LANG_CORE_SECTIONS of fcgi/lib/lang.h."""
    with open(os.path.join(srcdir, "fcgi", "lib", "lang.h"), encoding="utf-8") as f:
        found = re.search(r'#define LANG_CORE_SECTIONS "([^"]*)"', f.read())
    assert found, "no LANG_CORE_SECTIONS in fcgi/lib/lang.h"
    return set(found.group(1).split())


def declared_sections(srcdir, program):
    """The Lang line of fcgi/<program>.site.hdf."""
    with open(os.path.join(srcdir, "fcgi", program + ".site.hdf"), encoding="utf-8") as f:
        found = re.search(r"^Lang = (.*)$", f.read(), re.M)
    return set(found.group(1).split()) if found else set()


class SectionsUsed:
    """The top-level sections of the language files that C files and the
    templates they name use: a section is used by a string "Section." or
    "Lang.Section." in C (a key given to request_text, page_error,
    hdf_get_value...) and by Lang.Section in a template; a C file uses the
    templates it names ("login/admin.cs") and both parts of each mail it
    names ("admin-reset": mail/admin-reset.html.cs and .txt.cs), and a
    template those it includes."""

    def __init__(self, srcdir):
        self.srcdir = srcdir
        self.sections = top_sections(os.path.join(srcdir, "lang", "en.hdf"))
        self.pattern = "|".join(self.sections)

    def read(self, *parts):
        with open(os.path.join(self.srcdir, *parts), encoding="utf-8") as f:
            return f.read()

    def of_c(self, files):  # -> (sections, templates)
        sections, templates = set(), set()
        for name in files:
            code = self.read(name)
            sections |= set(re.findall(r'"(?:Lang\.)?(%s)\.' % self.pattern, code))
            templates |= set(re.findall(r'"([a-z-]+(?:/[a-z.-]+)?\.cs)"', code))
            for mail in re.findall(r'"([a-z-]+)"', code):
                for part in ("html", "txt"):
                    if os.path.exists(os.path.join(self.srcdir, "templates", "mail",
                                                   "%s.%s.cs" % (mail, part))):
                        templates.add("mail/%s.%s.cs" % (mail, part))
        return sections, templates

    def of_templates(self, names):  # -> sections
        sections, seen, todo = set(), set(), list(names)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            text = self.read("templates", name)
            sections |= set(re.findall(r"Lang\.(%s)\b" % self.pattern, text))
            todo += re.findall(r'include:"([^"]+)"', text)
        return sections

    def of_files(self, files):
        sections, templates = self.of_c(files)
        return sections | self.of_templates(templates)


def program_sources(srcdir, program):
    """The C files of a web program's _SOURCES in Makefile.am."""
    with open(os.path.join(srcdir, "Makefile.am"), encoding="utf-8") as f:
        makefile = f.read().replace("\\\n", " ")
    found = re.search(r"^fcgi_%s_fcgi_SOURCES = (.*)$" % program, makefile, re.M)
    assert found, "no fcgi_%s_fcgi_SOURCES in Makefile.am" % program
    return [name for name in found.group(1).split() if name.endswith(".c")]


def web_programs(srcdir):
    return sorted(name[:-len(".site.hdf")] for name in os.listdir(os.path.join(srcdir, "fcgi"))
                  if name.endswith(".site.hdf"))


class ProgramSections(unittest.TestCase):
    """A web program reads only the core's sections of the language files
    (fcgi/lib/lang.h) and those its fcgi/<program>.site.hdf names: a
    string of another section would show as nothing, so every section its
    code and templates use must be among them."""

    def setUp(self):
        self.srcdir = web.STACK.srcdir
        self.used = SectionsUsed(self.srcdir)
        self.core = core_sections(self.srcdir)
        self.lib = [os.path.join("fcgi", "lib", name)
                    for name in sorted(os.listdir(os.path.join(self.srcdir, "fcgi", "lib")))
                    if name.endswith(".c")]

    def test_the_core_reads_what_the_core_uses(self):
        """What fcgi/lib/ and the shared templates (the layout, the error
        page, the macros, the mails' layout and footer) use."""
        used = self.used.of_files(self.lib) | self.used.of_templates(
            ["layout.cs", "error.cs", "macros.cs", "mail/layout.html.cs",
             "mail/unsubscribe-footer.txt.cs"])
        self.assertIn("Error", used)
        self.assertEqual(sorted(used - self.core), [])

    def test_every_program_reads_what_its_pages_use(self):
        programs = web_programs(self.srcdir)
        self.assertIn("login", programs)
        missing = []
        for program in programs:
            used = self.used.of_files(program_sources(self.srcdir, program))
            self.assertTrue(used, program)
            for section in sorted(used - self.core - declared_sections(self.srcdir, program)):
                missing.append("%s uses Lang.%s: add it to Lang in fcgi/%s.site.hdf"
                               % (program, section, program))
        self.assertEqual(missing, [])

    def test_the_sections_named_exist(self):
        files = [top_sections(os.path.join(self.srcdir, "lang", code + ".hdf"))
                 for code in ("fr", "en")]
        unknown = []
        for program in [None] + web_programs(self.srcdir):
            names = self.core if program is None else declared_sections(self.srcdir, program)
            for name in sorted(names):
                if not all(name in sections for sections in files):
                    unknown.append("%s: %s" % (program or "LANG_CORE_SECTIONS", name))
        self.assertEqual(unknown, [])

    def test_a_file_is_blocks_at_its_top_level(self):
        """fcgi/lib/lang.c keeps or drops whole top-level blocks, "Name {"
        to the "}" that begins a line: anything else at a line's start
        would be kept or dropped with the block before it."""
        stray = []
        for code in ("fr", "en"):
            with open(os.path.join(self.srcdir, "lang", code + ".hdf"), encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    line = line.rstrip("\n")
                    if line and line[0] not in " \t#" and line != "}" and \
                            not re.fullmatch(r"[A-Za-z_]+ \{", line):
                        stray.append("%s.hdf:%d: %s" % (code, number, line))
        self.assertEqual(stray, [])
