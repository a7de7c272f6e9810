"""The README's PHP example of the shop API (section "Shop API"), run as it
is written with Debian's php-cli against the running product: the signing
a shop's developer copies works, reads a customer and feeds an order,
and feeding it again changes nothing."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from api_steps import clear_key_limits, create_key, forget_customers, one, sql
import web

README_BASE = "https://clients.ferme-du-coin.fr"


def readme_php():
    """The PHP block of the README that defines fidele_api, whole."""
    with open(os.path.join(web.STACK.srcdir, "README.md"), encoding="utf-8") as f:
        text = f.read()
    for block in re.findall(r"```php\n(.*?)```", text, re.S):
        if "function fidele_api" in block:
            return block
    raise AssertionError("the README has no PHP block defining fidele_api")


class ReadmePhpExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("php") is None:
            raise AssertionError("php-cli is needed (php8.2-cli, scripts/setup.sh)")
        clear_key_limits()
        cls.key = create_key("alpha", "Site PHP du README")
        # the example's site is reached at localhost: a name alpha answers on
        web.STACK.admin("shop", "host", "add", "--shop", "alpha", "--host", "localhost")

    @classmethod
    def tearDownClass(cls):
        sql("DELETE FROM shop_host WHERE host = 'localhost'")
        sql("DELETE FROM orders WHERE reference = 'A-1001'")
        forget_customers("ana@example.org")

    def run_example(self):
        """Runs the README's block with its key, secret and base replaced;
        returns what its two calls answered."""
        code = readme_php().replace(README_BASE, "http://localhost:%d" % web.STACK.port)
        code = code.replace("<?php\n", "<?php\n$key = '%s';\n$secret = '%s';\n"
                            % self.key, 1)
        code += ("\necho json_encode(['customer' => [$status_customer ?? null, $customer],"
                 " 'order' => [$status, $answer]]);\n")
        # the example reuses $status: keep the first call's before the second
        code = code.replace("if ($status === 200 && $customer['blocked'])",
                            "$status_customer = $status;\nif ($status === 200 && $customer['blocked'])")
        with tempfile.NamedTemporaryFile("w", suffix=".php", delete=False) as f:
            f.write(code)
        try:
            result = subprocess.run(["php", "-d", "display_errors=stderr", "-d",
                                     "error_reporting=E_ALL", f.name],
                                    capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(f.name)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return json.loads(result.stdout)

    def test_the_readme_example_reads_a_customer_and_feeds_an_order_once(self):
        first = self.run_example()
        # ana is not a customer yet: a 404 in JSON
        self.assertEqual(first["customer"][0], 404)
        self.assertEqual(first["customer"][1]["error"], "unknown_customer")
        self.assertEqual(first["order"][0], 201, first)
        self.assertEqual(first["order"][1]["result"], "created")
        self.assertTrue(first["order"][1]["customer_created"])
        self.assertEqual(sql("SELECT c.source, c.order_count, c.total_spent_cents FROM customer c"
                             " JOIN shop s ON s.id = c.shop_id"
                             " WHERE s.slug = 'alpha' AND c.email = 'ana@example.org'"),
                         [["order", "1", "4250"]])
        second = self.run_example()
        self.assertEqual(second["customer"][0], 200, second)
        self.assertFalse(second["customer"][1]["blocked"])
        self.assertEqual(second["order"][0], 200, second)
        self.assertIn(second["order"][1]["result"], ("unchanged", "updated"))
        self.assertEqual(one("SELECT COUNT(*) FROM orders o JOIN shop s ON s.id = o.shop_id"
                             " WHERE s.slug = 'alpha' AND o.reference = 'A-1001'"), "1")
        self.assertEqual(one("SELECT c.order_count FROM customer c JOIN shop s ON s.id = c.shop_id"
                             " WHERE s.slug = 'alpha' AND c.email = 'ana@example.org'"), "1")


if __name__ == "__main__":
    unittest.main()
