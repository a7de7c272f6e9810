"""TAP from unittest, for the suites' runners (tests/web/run and
tests/browser/run): a line per test, per failed subTest and per class or
module whose set-up failed, with the failure's text as comments, and the
time each test file took."""

import os
import sys
import time
import unittest

# FIDELE_TEST_TIMES=1: each test's time too, as a comment before its line
# (to find where a suite's time goes)
TIMES = bool(os.environ.get("FIDELE_TEST_TIMES"))


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.number = 0
        self.file, self.file_started = None, 0
        self.test_started = time.time()

    def startTest(self, test):
        super().startTest(test)
        self.test_started = time.time()
        if type(test).__module__ != self.file:
            self.file_done()
            self.file, self.file_started = type(test).__module__, time.time()

    def file_done(self):
        """A comment with the time of the file that ran last (to deal the
        files out to the parts of the suite)."""
        if self.file is not None:
            print("# %s.py: %.1f s" % (self.file, time.time() - self.file_started))

    def _line(self, test, ok, detail=None):
        self.number += 1
        if TIMES:
            print("# time %.2f s" % (time.time() - self.test_started))
        case = getattr(test, "test_case", test)     # a subTest's own test
        if not hasattr(case, "_testMethodName"):
            # a setUpClass or setUpModule that failed: unittest's stand-in
            # names it ("setUpClass (test_x.Case)")
            name = str(case)
        else:
            name = "%s.%s" % (type(case).__name__, case._testMethodName)
        if case is not test:
            name += " " + test._subDescription()
        doc = test.shortDescription()
        print("%s %d - %s%s" % ("ok" if ok else "not ok", self.number, name,
                                ": " + doc if doc else ""))
        if detail:
            for line in detail.rstrip().splitlines():
                print("#   " + line)
        sys.stdout.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(test, False, self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._line(test, False, self._exc_info_to_string(err, test))

    # A failed subTest is not the test's failure to unittest: without its
    # own line it would leave no trace in the TAP output at all.
    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._line(subtest, False, self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(test, False, "skipped: " + reason)
