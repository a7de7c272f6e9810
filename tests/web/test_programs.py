"""The programs are listed once and the core serves them all alike.

The list is fideleprog_PROGRAMS in Makefile.am; make writes it to the file
"programs" (installed beside the programs), which the test harness and
spawn-fcgi.sh read. Each listed program declares what it serves in
fcgi/<program>.site.hdf: its locations (exact paths and prefixes, which
carry a secret token, a body limit of their own), its entries of the admin
navigation bar, the areas. make renders the nginx snippet and the table
of areas and navigation every program links from these declarations
(fcgi/site-gen); the stack runs that snippet. So here: every declared
location reaches its program through the real nginx, the nav bar an admin
sees is the declared one, and site-gen refuses declarations that clash.
The core (fcgi/lib) knows no area's URL. No two parts of the core include
each other, directly or around a circle."""

import os
import pathlib
import re
import subprocess
import tempfile
import time
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST, BETA_OWNER
import stack
import web

SRCDIR = pathlib.Path(web.STACK.srcdir)
BUILDDIR = pathlib.Path(web.STACK.builddir)


def listed_programs():
    """fideleprog_PROGRAMS of Makefile.am, as program names."""
    text = (SRCDIR / "Makefile.am").read_text().replace("\\\n", " ")
    line = re.search(r"^fideleprog_PROGRAMS\s*=(.*)$", text, re.M).group(1)
    return tuple(re.sub(r"^fcgi/|\.fcgi$", "", word) for word in line.split())


def read_hdf(path):
    """{dotted name: value} of an HDF file, for the plain forms the
    declarations and language files use (name = value, name { ... },
    name << EOM ... EOM, # comments); in file order."""
    values, scope, heredoc = {}, [], None
    for line in pathlib.Path(path).read_text().splitlines():
        if heredoc is not None:
            if line.strip() == heredoc[1]:
                values[heredoc[0]] = "\n".join(heredoc[2])
                heredoc = None
            else:
                heredoc[2].append(line)
            continue
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line == "}":
            scope.pop()
        elif line.endswith("{"):
            scope.append(line[:-1].strip())
        elif "<<" in line:
            name, end = (part.strip() for part in line.split("<<", 1))
            heredoc = (".".join(scope + [name]), end, [])
        else:
            name, value = (part.strip() for part in line.split("=", 1))
            values[".".join(scope + [name])] = value
    return values


def children(values, prefix):
    """{child name: {rest: value}} of the nodes under prefix, in order."""
    found = {}
    for name, value in values.items():
        if name.startswith(prefix + "."):
            child, _, rest = name[len(prefix) + 1:].partition(".")
            found.setdefault(child, {})[rest] = value
    return found


def declarations():
    """{program: its fcgi/<program>.site.hdf, read}, for each listed program."""
    return {name: read_hdf(SRCDIR / "fcgi" / (name + ".site.hdf")) for name in listed_programs()}


def declared_locations():
    """(program, "exact" or "prefix", path, secret) of every declared location."""
    found = []
    for program, values in declarations().items():
        for location in children(values, "Location").values():
            match = "exact" if "Exact" in location else "prefix"
            found.append((program, match, location.get("Exact") or location.get("Prefix"),
                          location.get("Secret") == "1"))
    return found


def declared_nav():
    """The declared nav entries, {Path, Label, OwnerOnly, ...}, by Order
    (declaration order for equal orders)."""
    entries = [entry for values in declarations().values()
               for entry in children(values, "Nav").values()]
    return sorted(entries, key=lambda entry: int(entry["Order"]))


def program_log_count(program, method, path):
    """How many requests for path the program's log shows (one line each:
    "<program>: GET /path 404 ...", the query left out)."""
    log = pathlib.Path(web.STACK.log_dir) / (program + ".log")
    pattern = re.compile(r"\b%s %s \d{3} " % (method, re.escape(path)))
    return len(pattern.findall(log.read_text(errors="replace")))


def site_gen(template, *declaration_texts):
    """Runs the build's fcgi/site-gen over declarations given as texts
    (programs p0, p1, ...); returns the CompletedProcess."""
    with tempfile.TemporaryDirectory() as scratch:
        paths = []
        for number, text in enumerate(declaration_texts):
            path = os.path.join(scratch, "p%d.site.hdf" % number)
            with open(path, "w") as f:
                f.write(text)
            paths.append(path)
        return subprocess.run([str(BUILDDIR / "fcgi" / "site-gen"), str(template)] + paths,
                              capture_output=True, text=True)


def include_graph():
    """part -> the parts it includes, for each part of fcgi/lib (a part is
    a .c and its .h)."""
    edges = {}
    for path in (SRCDIR / "fcgi" / "lib").glob("*.[ch]"):
        part = path.stem
        for included in re.findall(r'^#include "(\w+)\.h"', path.read_text(), re.M):
            if included != part:
                edges.setdefault(part, set()).add(included)
    return edges


def circles(edges):
    """Every circle of the graph, as a sorted tuple of its parts."""
    found = set()

    def walk(start, part, path):
        for following in edges.get(part, ()):
            if following == start:
                found.add(tuple(sorted(path)))
            elif following not in path and following > start:
                walk(start, following, path + [following])

    for start in edges:
        walk(start, start, [start])
    return sorted(found)


class ProgramsListedOnce(unittest.TestCase):
    def test_make_writes_the_list_the_harness_reads(self):
        self.assertEqual(stack.web_programs(str(BUILDDIR)), listed_programs())
        self.assertEqual(listed_programs(), ("login", "customers", "import", "export", "signup", "groups"))

    def test_each_listed_program_is_built(self):
        for name in listed_programs():
            self.assertTrue(os.access(web.STACK.program(name + ".fcgi"), os.X_OK), name)

    def test_each_declaration_is_a_listed_programs(self):
        declared = sorted(path.name[:-len(".site.hdf")]
                          for path in (SRCDIR / "fcgi").glob("*.site.hdf"))
        self.assertEqual(declared, sorted(listed_programs()))

    def test_the_stack_runs_the_snippet_the_build_made(self):
        if web.STACK.web_server == "nginx":
            served = pathlib.Path(web.STACK.var) / "nginx" / "snippets" / "fidele.conf"
            self.assertEqual(served.resolve(), (BUILDDIR / "nginx-conf" / "fidele.conf").resolve())
            return
        # Apache (FIDELE_WEB_SERVER): its configuration includes the build's file
        name = "fidele-proxy.conf" if web.STACK.web_server == "apache-proxy" else "fidele.conf"
        conf = (pathlib.Path(web.STACK.var) / "apache" / "apache2.conf").read_text()
        self.assertIn("Include %s\n" % (BUILDDIR / "apache-conf" / name).resolve(), conf)


def installed_data():
    """nobase_dist_pkgdata_DATA of Makefile.am: what make install (and so
    the Debian package) puts in the data directory."""
    text = (SRCDIR / "Makefile.am").read_text().replace("\\\n", " ")
    return set(re.search(r"^nobase_dist_pkgdata_DATA\s*=(.*)$", text, re.M).group(1).split())


class DataInstalled(unittest.TestCase):
    def test_every_template_language_style_and_migration_is_installed(self):
        # a template missing from the list works in the tests (they read
        # the source tree) and fails on an installed server: the team
        # page, the list's columns and the import's undo once did
        shipped = set()
        for folder, pattern in (("templates", "**/*.cs"), ("lang", "*.hdf"),
                                ("static", "*"), ("sql", "*.sql")):
            shipped.update(str(path.relative_to(SRCDIR))
                           for path in (SRCDIR / folder).glob(pattern) if path.is_file())
        self.assertGreater(len(shipped), 100)
        self.assertEqual(sorted(shipped - installed_data()), [])


class DeclaredLocations(unittest.TestCase):
    """What nginx does with each declared location, asked of the real nginx."""

    def probe_path(self, match, path):
        # a prefix is probed below itself, with a path no other test asks for
        return path if match == "exact" else path.rstrip("/") + "/probe-%d" % os.getpid()

    def test_each_declared_location_reaches_its_program_through_nginx(self):
        locations = declared_locations()
        self.assertGreater(len(locations), 10)
        for program, match, path, _ in locations:
            probe = self.probe_path(match, path)
            with self.subTest(program=program, location=path):
                before = {name: program_log_count(name, "GET", probe)
                          for name in listed_programs()}
                web.Browser(ALPHA_HOST).get(probe)
                after = {name: program_log_count(name, "GET", probe)
                         for name in listed_programs()}
                self.assertEqual({name: after[name] - before[name] for name in after},
                                 {name: int(name == program) for name in after})

    def test_no_two_programs_declare_the_same_location(self):
        seen = {}
        for program, match, path, _ in declared_locations():
            self.assertNotIn((match, path), seen, "%s and %s" % (seen.get((match, path)), program))
            seen[(match, path)] = program

    def test_a_secret_locations_query_stays_out_of_the_access_log(self):
        secret = [(match, path) for _, match, path, is_secret in declared_locations() if is_secret]
        public = [(match, path) for _, match, path, is_secret in declared_locations()
                  if not is_secret]
        self.assertTrue(secret and public)
        # nginx keeps a secret location's requests out of its log; Apache's
        # (the shipped LogFormat "fidele") logs no query string at all
        nginx = web.STACK.web_server == "nginx"
        access_log = pathlib.Path(web.STACK.log_dir) / (
            "nginx-access.log" if nginx else "apache-access.log")
        tokens = []
        for match, path in secret + [public[0]]:
            token = "probe%d%s" % (os.getpid(), re.sub(r"\W", "", path))
            web.Browser(ALPHA_HOST).get(self.probe_path(match, path) + "?token=" + token)
            tokens.append((path, token))
        # the server writes a line after it answers: once the public
        # location's (asked last) is there, every earlier request's would be too
        last = tokens[-1][1] if nginx else self.probe_path(*public[0])
        deadline = time.monotonic() + 10
        while last not in access_log.read_text(errors="replace") and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        text = access_log.read_text(errors="replace")
        self.assertIn(last, text)
        for (path, token), logged in zip(tokens, [False] * len(secret) + [nginx]):
            with self.subTest(location=path):
                self.assertEqual(token in text, logged)

    def test_unknown_paths_go_to_the_declared_fallback_program(self):
        fallback = [name for name, values in declarations().items()
                    if values.get("Fallback") == "1"]
        self.assertEqual(len(fallback), 1)
        path = "/nowhere-%d" % os.getpid()
        web.Browser(ALPHA_HOST).get(path)
        self.assertEqual(program_log_count(fallback[0], "GET", path), 1)


class DeclarationsChecked(unittest.TestCase):
    """fcgi/site-gen stops the build on declarations that cannot make a site."""

    TEMPLATE = SRCDIR / "nginx-conf" / "fidele.conf.cs"
    AREAS = """Area.admin {
  Prefix = /admin
  Home = /admin/
  SignIn = /admin/login
  Visitor = admin
}
Location.home.Exact = /admin/
Location.login.Prefix = /admin/login
Fallback = 1
"""

    def test_sound_declarations_make_a_snippet(self):
        made = site_gen(self.TEMPLATE, self.AREAS, "Location.upload {\n  Exact = /admin/up\n"
                        "  MaxBody = 50m\n  Secret = 1\n}\n")
        self.assertEqual(made.returncode, 0, made.stderr)
        block = re.search(r"^location = /admin/up \{(.*?)^\}", made.stdout, re.M | re.S)
        self.assertIsNotNone(block, made.stdout)
        self.assertIn("client_max_body_size 50m;", block.group(1))
        self.assertIn("access_log off;", block.group(1))
        self.assertIn("set $fidele_program p1;", block.group(1))

    def test_a_location_two_programs_declare_is_refused(self):
        made = site_gen(self.TEMPLATE, self.AREAS, "Location.mine.Prefix = /admin/login\n")
        self.assertEqual(made.returncode, 1)
        self.assertIn("/admin/login: declared twice", made.stderr)
        self.assertEqual(made.stdout, "")

    def test_a_misspelt_key_is_refused(self):
        made = site_gen(self.TEMPLATE, self.AREAS,
                        "Location.reset {\n  Exact = /admin/reset\n  Secrte = 1\n}\n")
        self.assertEqual(made.returncode, 1)
        self.assertIn("Location reset: unknown key Secrte", made.stderr)

    def test_a_nav_entry_its_program_does_not_serve_is_refused(self):
        made = site_gen(self.TEMPLATE, self.AREAS, "Location.x.Prefix = /admin/x\n"
                        "Nav.y {\n  Path = /admin/login/y\n  Label = Nav.Y\n"
                        "  Section = y\n  Order = 5\n}\n")
        self.assertEqual(made.returncode, 1)
        self.assertIn("Nav y: its Path is not one its program serves", made.stderr)

    def test_a_path_nginx_would_read_as_syntax_is_refused(self):
        made = site_gen(self.TEMPLATE, self.AREAS, "Location.x.Prefix = /admin/x;deny all\n")
        self.assertEqual(made.returncode, 1)
        self.assertIn("Location x: needs one Exact or Prefix path", made.stderr)

    def test_two_fallbacks_are_refused(self):
        made = site_gen(self.TEMPLATE, self.AREAS, "Location.x.Prefix = /admin/x\nFallback = 1\n")
        self.assertEqual(made.returncode, 1)
        self.assertIn("exactly one program says Fallback = 1", made.stderr)


class AnyProgramAnswersAlike(unittest.TestCase):
    def test_an_unknown_path_gets_the_cores_404_from_every_program(self):
        for name in listed_programs():
            with self.subTest(program=name):
                french = web.run_cgi(name + ".fcgi", "GET", "/nowhere/at/all", ALPHA_HOST)
                self.assertEqual(french.status, 404, french.stderr)
                self.assertIn("Page introuvable", french.body)
                english = web.run_cgi(name + ".fcgi", "GET", "/admin/no-such-page", BETA_HOST)
                self.assertEqual(english.status, 404)
                self.assertIn("Page not found", english.body)

    def test_a_body_too_large_gets_the_cores_413_from_every_program(self):
        for name in listed_programs():
            with self.subTest(program=name):
                told = web.run_cgi(name + ".fcgi", "POST", "/admin/login", ALPHA_HOST,
                                   extra_env={"FIDELE_TOO_LARGE": "1"})
                self.assertEqual(told.status, 413)
                self.assertIn("Envoi trop volumineux", told.body)
                announced = web.run_cgi(name + ".fcgi", "POST", "/nowhere", BETA_HOST, form={},
                                        extra_env={"CONTENT_LENGTH": str(10 * 1024 * 1024)})
                self.assertEqual(announced.status, 413)

    def test_login_answers_an_unknown_path_through_nginx_with_the_same_page(self):
        # /admin/login/… is login.fcgi's in the snippet; no route has this path
        through_login = web.Browser(ALPHA_HOST).get("/admin/login/nowhere")
        self.assertEqual(through_login.status, 404)
        default = web.Browser(ALPHA_HOST).get("/nowhere")
        self.assertEqual(default.status, 404)
        self.assertEqual(through_login.text(), default.text())


class CoreKnowsNoArea(unittest.TestCase):
    def test_no_area_url_is_written_in_the_core(self):
        for path in (SRCDIR / "fcgi" / "lib").glob("*.c"):
            with self.subTest(file=path.name):
                code = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
                self.assertEqual(re.findall(r'"/(?:admin|account)[^"]*"', code), [])

    def test_a_stranger_is_sent_to_the_sign_in_of_the_routes_area(self):
        admin = web.Browser(ALPHA_HOST).get("/admin/customers")
        self.assertEqual(admin.status, 303)
        self.assertEqual(admin.header("Location"), "/admin/login?next=/admin/customers")

    def test_the_brand_links_to_the_home_of_the_pages_area(self):
        admin_page = web.Browser(ALPHA_HOST).get("/admin/login")
        self.assertIn('class="brand" href="/admin/"', admin_page.body)
        account_page = web.Browser(ALPHA_HOST).get("/account/login")
        self.assertIn('class="brand" href="/account/"', account_page.body)

    def nav_links(self, page):
        """(href, text) of the admin navigation bar's links, in order."""
        nav = re.search(r'<nav class="mainnav".*?</nav>', page.body, re.S).group(0)
        return [(href, re.sub(r"<[^>]+>", "", text).strip())
                for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav, re.S)]

    def test_the_navigation_bar_lists_the_declared_entries_in_order(self):
        french = read_hdf(SRCDIR / "lang" / "fr.hdf")
        owner = web.Browser(ALPHA_HOST)
        owner.sign_in(*ALPHA_OWNER)
        self.assertEqual(self.nav_links(owner.get("/admin/customers")),
                         [(entry["Path"], french[entry["Label"]]) for entry in declared_nav()])
        staff = web.Browser(ALPHA_HOST)
        staff.sign_in(*ALPHA_STAFF)
        self.assertEqual(self.nav_links(staff.get("/admin/customers")),
                         [(entry["Path"], french[entry["Label"]]) for entry in declared_nav()
                          if entry.get("OwnerOnly") != "1"])

    def test_each_shop_has_its_words_and_navigation_bar_in_its_language_from_the_same_copies(self):
        # the bar is made once per process and language, and a kept page has
        # its words folded in per language (page.c): a copy that served the
        # French shop then serves the English one, and back
        french = read_hdf(SRCDIR / "lang" / "fr.hdf")
        english = read_hdf(SRCDIR / "lang" / "en.hdf")
        alpha = web.Browser(ALPHA_HOST)
        alpha.sign_in(*ALPHA_OWNER)
        beta = web.Browser(BETA_HOST)
        beta.sign_in(*BETA_OWNER)
        for _ in range(3):   # more rounds than copies in the pool
            for browser, words in ((alpha, french), (beta, english), (alpha, french)):
                page = browser.get("/admin/customers")
                self.assertIn("<h1>%s</h1>" % words["Customers.Title"], page.body)
                self.assertEqual(self.nav_links(page), [(entry["Path"], words[entry["Label"]])
                                                        for entry in declared_nav()])

    def test_the_navigation_bar_marks_the_current_section(self):
        owner = web.Browser(ALPHA_HOST)
        owner.sign_in(*ALPHA_OWNER)
        page = owner.get("/admin/settings")
        self.assertIn('<a href="/admin/customers">Clients</a>', page.body)
        self.assertIn('<a href="/admin/settings" aria-current="page">', page.body)
        staff = web.Browser(ALPHA_HOST)
        staff.sign_in(*ALPHA_STAFF)
        page = staff.get("/admin/customers")
        self.assertIn('<a href="/admin/customers" aria-current="page">', page.body)
        self.assertNotIn('href="/admin/settings"', page.body)

    def test_a_kept_bar_is_the_one_of_its_section_and_role(self):
        # each copy keeps the bar it rendered per language, section and
        # role (page.c): an owner's bar, with the owner's entries, is never
        # a staff member's, and the settings' marked section never the
        # list's, in the same copies one after the other
        french = read_hdf(SRCDIR / "lang" / "fr.hdf")
        owner = web.Browser(ALPHA_HOST)
        owner.sign_in(*ALPHA_OWNER)
        staff = web.Browser(ALPHA_HOST)
        staff.sign_in(*ALPHA_STAFF)
        everyone = [(entry["Path"], french[entry["Label"]]) for entry in declared_nav()]
        staff_entries = [(entry["Path"], french[entry["Label"]]) for entry in declared_nav()
                         if entry.get("OwnerOnly") != "1"]
        self.assertLess(len(staff_entries), len(everyone))
        # the same page by one role after the other, and another section
        # between: many more turns than copies in the pool, in both orders
        turns = ((owner, "/admin/customers", everyone),
                 (staff, "/admin/customers", staff_entries),
                 (owner, "/admin/settings", everyone),
                 (staff, "/admin/customers", staff_entries),
                 (owner, "/admin/customers", everyone))
        for _ in range(4):
            for browser, path, entries in turns:
                page = browser.get(path)
                self.assertEqual(page.status, 200)
                self.assertEqual(self.nav_links(page), entries)
                current = re.findall(r'<a href="([^"]+)" aria-current="page">', page.body)
                self.assertEqual(current, [path])


class NoIncludeCircle(unittest.TestCase):
    def test_no_part_of_the_core_includes_another_that_includes_it(self):
        self.assertEqual(circles(include_graph()), [])

    def test_the_request_is_not_the_accept_loop(self):
        edges = include_graph()
        for part in ("page", "session", "mail", "token", "ratelimit", "format"):
            self.assertNotIn("app", edges.get(part, set()), part)
        self.assertNotIn("request", edges.get("format", set()))

    def test_the_circle_check_finds_a_circle(self):
        self.assertEqual(circles({"app": {"page"}, "page": {"session"}, "session": {"app"}}),
                         [("app", "page", "session")])


if __name__ == "__main__":
    unittest.main()
