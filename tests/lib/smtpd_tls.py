#!/usr/bin/python3
"""An SMTP server that speaks TLS and wants a password, for the worker's
tests (aiosmtpd, Debian's python3-aiosmtpd). Accepted mail goes into a
maildir. Runs until SIGTERM.

    smtpd_tls.py MODE PORT CERT KEY USER PASSWORD MAILDIR

MODE starttls: plain SMTP that refuses AUTH and MAIL before STARTTLS;
MODE smtps: TLS from the first byte (implicit TLS, port 465 style).
Either way AUTH (PLAIN or LOGIN) with USER and PASSWORD comes before MAIL.
"""

import logging
import signal
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    mode, port, cert, key, user, password, maildir = sys.argv[1:8]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)

    options = dict(hostname="127.0.0.1", port=int(port), auth_required=True,
                   authenticator=authenticator, server_hostname="localhost")
    if mode == "starttls":
        options.update(tls_context=context, require_starttls=True)
    elif mode == "smtps":
        # the whole connection is TLS: AUTH needs no STARTTLS first (and
        # aiosmtpd's warning about AUTH without TLS does not apply)
        options.update(ssl_context=context, auth_require_tls=False)
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
        logging.getLogger("mail.log").setLevel(logging.ERROR)
    else:
        sys.exit("MODE is starttls or smtps")
    controller = Controller(Mailbox(maildir), **options)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    print("listening on 127.0.0.1:%s (%s)" % (port, mode), flush=True)
    while not stop.wait(1):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
