"""The programs are listed once and the core serves them all alike.

The list is fideleprog_PROGRAMS in Makefile.am; make writes it to the file
"programs" (installed beside the programs), which the test harness and
spawn-fcgi.sh read. The nginx snippet is checked against it here. The
core (fcgi/lib) knows no area's URL: the site's areas and navigation bar
come from fcgi/site.c through struct app. No two parts of the core
include each other, directly or around a circle."""

import os
import pathlib
import re
import unittest

from fixtures import ALPHA_HOST, ALPHA_OWNER, ALPHA_STAFF, BETA_HOST
import stack
import web

SRCDIR = pathlib.Path(web.STACK.srcdir)
BUILDDIR = pathlib.Path(web.STACK.builddir)


def listed_programs():
    """fideleprog_PROGRAMS of Makefile.am, as program names."""
    text = (SRCDIR / "Makefile.am").read_text().replace("\\\n", " ")
    line = re.search(r"^fideleprog_PROGRAMS\s*=(.*)$", text, re.M).group(1)
    return tuple(re.sub(r"^fcgi/|\.fcgi$", "", word) for word in line.split())


def nginx_locations():
    """(location, program) of each location of the shipped snippet that
    sets $fidele_program."""
    text = (SRCDIR / "nginx-conf" / "fidele.conf").read_text()
    found = []
    for match in re.finditer(r"^location\s+([^{]*?)\s*\{(.*?)^\}", text, re.M | re.S):
        program = re.search(r"set \$fidele_program (\w+);", match.group(2))
        if program:
            found.append((match.group(1), program.group(1)))
    return found


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
        self.assertEqual(listed_programs(), ("login", "customers"))

    def test_the_nginx_snippet_sends_paths_to_listed_programs_only(self):
        named = {program for _, program in nginx_locations()}
        self.assertEqual(named - set(listed_programs()), set(),
                         "nginx-conf/fidele.conf names a program the build does not list")

    def test_the_nginx_snippet_gives_each_listed_program_a_location(self):
        named = {program for _, program in nginx_locations()}
        self.assertEqual(set(listed_programs()) - named, set(),
                         "a listed program has no location in nginx-conf/fidele.conf")

    def test_each_listed_program_is_built(self):
        for name in listed_programs():
            self.assertTrue(os.access(web.STACK.program(name + ".fcgi"), os.X_OK), name)


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

    def test_the_navigation_bar_comes_from_the_site_table(self):
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
