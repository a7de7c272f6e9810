"""Serves the demo shop with the test harness's launcher (tests/lib/stack.py).

First run: creates the shop "demo" (French) on 127.0.0.1 and localhost,
1,000 demo customers, and an owner whose password is printed. Later runs
reuse ./var and print the same password."""

import os
import secrets
import signal
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

from stack import Stack  # noqa: E402

OWNER = "proprietaire@demo.example"
PORT = 8080


def main():
    var = os.path.join(ROOT, "var")
    stack = Stack(var, srcdir=ROOT, builddir=os.path.join(ROOT, "build"), port=PORT,
                  persistent=True, smtp=False)
    try:
        stack.start()
    except Exception as error:
        stack.stop()
        print("demo: cannot start: %s (logs in %s/log)" % (error, var), file=sys.stderr)
        return 1
    password_file = os.path.join(var, "demo-owner-password")
    if not stack.sql("SELECT id FROM shop WHERE slug = 'demo'"):
        print("demo: creating the demo shop…")
        password = secrets.token_urlsafe(12)
        stack.admin("shop", "add", "--slug", "demo", "--name", "La Ferme du Coin",
                    "--language", "fr", "--sender-email", "bonjour@demo.example")
        for host in ("127.0.0.1", "localhost"):
            stack.admin("shop", "host", "add", "--shop", "demo", "--host", host)
        stack.admin("admin", "add", "--shop", "demo", "--email", OWNER, "--name",
                    "Propriétaire", "--role", "owner", input=password + "\n")
        stack.admin("seed-demo", "--shop", "demo", "--customers", "1000")
        with open(password_file, "w") as f:
            f.write(password)
        os.chmod(password_file, 0o600)
    with open(password_file) as f:
        password = f.read().strip()
    print("""
Fidèle demo is running: http://127.0.0.1:%d/admin/
  sign in as  %s
  password    %s
Customers sign in at http://127.0.0.1:%d/account/login; no mail leaves this
machine: every mail is written as a .eml file into %s
Data and logs are in %s (kept for the next run). Ctrl-C stops everything.
""" % (PORT, OWNER, password, PORT, stack.mail_dir, var))
    sys.stdout.flush()
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())
