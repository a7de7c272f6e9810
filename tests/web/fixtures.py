"""The data every web test starts from: two shops on one installation.

alpha.test  Épicerie Alpha, in French, 120 demo customers plus a few
            hand-written ones (one with a hostile name)
beta.test   Beta Farm, in English, a handful of customers of its own
"""

ALPHA_HOST = "alpha.test"
BETA_HOST = "beta.test"
ALPHA_OWNER = ("owner@alpha.test", "alpha-owner-password")
ALPHA_STAFF = ("staff@alpha.test", "alpha-staff-password")
ALPHA_LIMITED = ("limited@alpha.test", "alpha-limited-password")
BETA_OWNER = ("owner@beta.test", "beta-owner-password")
ALPHA_DEMO_CUSTOMERS = 120


def load(stack):
    stack.admin("shop", "add", "--slug", "alpha", "--name", "Épicerie Alpha", "--language", "fr")
    stack.admin("shop", "host", "add", "--shop", "alpha", "--host", ALPHA_HOST)
    stack.admin("shop", "add", "--slug", "beta", "--name", "Beta Farm", "--language", "en")
    stack.admin("shop", "host", "add", "--shop", "beta", "--host", BETA_HOST)
    for email, password in (ALPHA_OWNER, ALPHA_LIMITED):
        stack.admin("admin", "add", "--shop", "alpha", "--email", email, "--role", "owner",
                    input=password + "\n")
    stack.admin("admin", "add", "--shop", "alpha", "--email", ALPHA_STAFF[0], "--role", "staff",
                input=ALPHA_STAFF[1] + "\n")
    stack.admin("admin", "add", "--shop", "beta", "--email", BETA_OWNER[0], "--role", "owner",
                input=BETA_OWNER[1] + "\n")
    stack.admin("seed-demo", "--shop", "alpha", "--customers", str(ALPHA_DEMO_CUSTOMERS))
    stack.sql("""
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, 'xss@alpha.test', '<script>alert(1)</script>', '"Quote & <b>Bold</b>', 'active', 'admin'
  FROM shop WHERE slug = 'alpha';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, 'dormant@alpha.test', 'Dormant', 'Zzinactive', 'inactive', 'admin'
  FROM shop WHERE slug = 'alpha';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, 'secret@beta.test', 'Élodie', 'Betasecret', 'active', 'self'
  FROM shop WHERE slug = 'beta';
INSERT INTO customer (shop_id, email, first_name, last_name, status, source)
SELECT id, 'gwen@beta.test', 'Gwen', 'Hughes', 'active', 'self'
  FROM shop WHERE slug = 'beta';
""")
    # the rows above went in with SQL, behind the search index's back
    stack.admin("search-reindex")


def stack_of_its_own(name, shops, **options):
    """A stack beside the suite's, for tests that need a configuration of
    their own (options go to Stack: config_extra, extra programs…),
    started, with each of shops ((slug, shop name, language, host,
    (owner's e-mail, password)), …) and its owner; stopped again when
    that fails. The caller stops it."""
    import os
    import stack as stack_module
    import web
    main = web.STACK
    stack = stack_module.Stack(
        os.path.join(main.builddir, "tests", "web", "var-%s-%d" % (name, os.getpid())),
        srcdir=main.srcdir, builddir=main.builddir, sanitizer_logs=main.sanitizer_logs,
        **options)
    try:
        stack.start()
        for slug, shop_name, language, host, owner in shops:
            stack.admin("shop", "add", "--slug", slug, "--name", shop_name,
                        "--language", language)
            stack.admin("shop", "host", "add", "--shop", slug, "--host", host)
            stack.admin("admin", "add", "--shop", slug, "--email", owner[0], "--role", "owner",
                        input=owner[1] + "\n")
    except BaseException:
        stack.stop()
        raise
    return stack
