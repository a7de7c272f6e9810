/* Unit tests for fcgi/lib/text.c: what every form accepts and refuses. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "../../fcgi/lib/clearsilver.h"
#include "../../fcgi/lib/text.h"
#include "tap.h"

/* Whether text_url_escape writes s as the cgi kit's cgi_url_escape does. */
static int
escapes_as_the_kit(const char *s)
{
	char out[4 * 256 + 1], *kit = NULL;
	long n = text_url_escape(s, out, sizeof(out));
	int same;

	if (cgi_url_escape(s, &kit) != STATUS_OK)
		return 0;
	same = n == (long)strlen(kit) && strcmp(out, kit) == 0;
	if (!same)
		printf("#   '%s' escaped as '%s', the kit writes '%s'\n", s, out, kit);
	free(kit);
	return same;
}

int
main(void)
{
	char buf[512];

	ok(text_is_clean_utf8("Élodie Lefèvre", 0), "accented names are clean UTF-8");
	ok(!text_is_clean_utf8("\xc9lodie", 0), "Windows-1252 bytes are refused");
	ok(!text_is_clean_utf8("\xc0\xaf", 0), "overlong encodings are refused");
	ok(!text_is_clean_utf8("\xed\xa0\x80", 0), "UTF-16 surrogates are refused");
	ok(!text_is_clean_utf8("a\x01" "b", 0), "control characters are refused");
	ok(!text_is_clean_utf8("line\nbreak", 0), "a newline is refused in one-line text");
	ok(text_is_clean_utf8("line\nbreak", 1), "a newline is accepted in multi-line text");
	ok(text_length("Zoé") == 3, "length counts characters, not bytes");
	{
		static const struct {
			const char *in;
			size_t size;
			const char *out;
			const char *why;
		} cuts[] = {
			{ "Zoé", 16, "Zoé", "a text that fits is copied whole" },
			{ "Zoé", 4, "Zo", "an é cut in two is left out whole" },
			{ "Zoé", 5, "Zoé", "a text of exactly the room is copied whole" },
			{ "a\xf0\x9f\x98\x80", 4, "a", "an emoji cut after 2 of its 4 bytes is left out" },
			{ "a\xf0\x9f\x98\x80", 5, "a", "an emoji cut after 3 of its 4 bytes is left out" },
			{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, "\xf0\x9f\x98\x80",
			  "two emoji in 7 bytes keep the first" },
			{ "\xc3\xa9", 2, "", "no room for a whole character gives an empty text" },
			{ "abc", 1, "", "a size of 1 holds the NUL only" },
		};
		size_t i;

		for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			size_t n = text_copy_utf8(buf, cuts[i].size, cuts[i].in);

			ok(strcmp(buf, cuts[i].out) == 0 && n == strlen(cuts[i].out) &&
			    text_is_clean_utf8(buf, 0), cuts[i].why);
		}
	}

	snprintf(buf, sizeof(buf), "  Elodie.Martin@Example.FR \t");
	ok(text_email_normalise(buf), "an address with spaces and capitals is valid");
	is_str(buf, "elodie.martin@example.fr", "an address is trimmed and lowercased");
	snprintf(buf, sizeof(buf), "no-at-sign.example.fr");
	ok(!text_email_normalise(buf), "an address without @ is refused");
	snprintf(buf, sizeof(buf), "a@b@example.fr");
	ok(!text_email_normalise(buf), "an address with two @ is refused");
	snprintf(buf, sizeof(buf), "someone@localhost");
	ok(!text_email_normalise(buf), "an address without a dotted domain is refused");
	snprintf(buf, sizeof(buf), "a b@example.fr");
	ok(!text_email_normalise(buf), "an address with an inner space is refused");
	snprintf(buf, sizeof(buf), "x@example..fr");
	ok(!text_email_normalise(buf), "an address with an empty domain label is refused");
	buf[0] = '\0';
	ok(!text_email_normalise(buf), "an empty address is refused");

	{
		/* what a relay would deliver to, and what it would not */
		static const struct {
			const char *input;
			enum text_email expected;
			const char *why;
		} cases[] = {
			{ "elodie.martin@example.fr", TEXT_EMAIL_OK, "a plain address" },
			{ "o'brien+shop@mail.example.co.uk", TEXT_EMAIL_OK, "apostrophe and plus in the local part" },
			{ "a@b-c.fr", TEXT_EMAIL_OK, "an inner hyphen in a label" },
			{ "x@xn--caf-dma.fr", TEXT_EMAIL_OK, "an international domain in its xn-- form" },
			{ "x@1and1.com", TEXT_EMAIL_OK, "a label starting with a digit" },
			{ "a@b.:r", TEXT_EMAIL_INVALID, "a colon in the domain" },
			{ "a@'b.fr", TEXT_EMAIL_INVALID, "an apostrophe in the domain" },
			{ "a@-b.fr", TEXT_EMAIL_INVALID, "a label starting with a hyphen" },
			{ "a@b-.fr", TEXT_EMAIL_INVALID, "a label ending with a hyphen" },
			{ "a@b.fr.", TEXT_EMAIL_INVALID, "a trailing dot" },
			{ "a@.b.fr", TEXT_EMAIL_INVALID, "a leading dot" },
			{ "a@b_c.fr", TEXT_EMAIL_INVALID, "an underscore in the domain" },
			{ "a@192.168.1.1", TEXT_EMAIL_INVALID, "an IP address" },
			{ "a@b.123", TEXT_EMAIL_INVALID, "a top-level label of digits" },
			{ "a@fr", TEXT_EMAIL_INVALID, "one label" },
			{ "a@b/c.fr", TEXT_EMAIL_INVALID, "a slash in the domain" },
			{ "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.fr", TEXT_EMAIL_INVALID,
			    "a label of 64 bytes" },
			{ "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.fr", TEXT_EMAIL_OK,
			    "a label of 63 bytes" },
			{ ".a@b.fr", TEXT_EMAIL_INVALID, "a local part starting with a dot" },
			{ "a.@b.fr", TEXT_EMAIL_INVALID, "a local part ending with a dot" },
			{ "a..b@b.fr", TEXT_EMAIL_INVALID, "two dots in the local part" },
			{ "a:b@b.fr", TEXT_EMAIL_INVALID, "a colon in the local part" },
			{ "jos\xc3\xa9@example.fr", TEXT_EMAIL_NOT_ASCII, "an accented local part needs SMTPUTF8" },
			{ "x@caf\xc3\xa9.fr", TEXT_EMAIL_NOT_ASCII, "a domain in Unicode" },
			{ "", TEXT_EMAIL_INVALID, "nothing" },
		};
		size_t i;

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			snprintf(buf, sizeof(buf), "%s", cases[i].input);
			ok(text_email_check(buf) == cases[i].expected, cases[i].why);
		}
	}

	ok(text_like_prefix("50%_off\\", buf, sizeof(buf)) == 0, "a LIKE pattern fits");
	is_str(buf, "50\\%\\_off\\\\%", "LIKE wildcards in a search are escaped");
	ok(text_like_prefix("abcdef", buf, 4) != 0, "a pattern too long for its buffer is refused");

	ok(text_base64url_encode((const unsigned char *)"Lef\xc3\xa8vre\x1f" "42", 11, buf, sizeof(buf)) == 0,
	    "bytes encode as base64url");
	is_str(buf, "TGVmw6h2cmUfNDI", "base64url has no padding and no + or /");
	{
		unsigned char raw[64];

		ok(text_base64url_decode(buf, raw, sizeof(raw)) == 11 &&
		    memcmp(raw, "Lef\xc3\xa8vre\x1f" "42", 11) == 0, "base64url decodes back");
		ok(text_base64url_decode("TGVmw6h2cmUfNDJ", raw, sizeof(raw)) < 0,
		    "a base64url text with stray low bits is refused");
		ok(text_base64url_decode("TGV+", raw, sizeof(raw)) < 0, "a character outside base64url is refused");
		ok(text_base64url_decode("TGVmw6h2cmUfNDI", raw, 4) < 0, "base64url too long for its buffer is refused");
	}
	{
		char all[256], one[2] = { 0, 0 };
		int c, each = 1;

		for (c = 1; c < 256; c++) {
			one[0] = (char)c;
			each &= escapes_as_the_kit(one);
			all[c - 1] = (char)c;
		}
		all[255] = '\0';
		ok(each, "every byte alone is URL-escaped as the cgi kit escapes it");
		ok(escapes_as_the_kit(all), "all the bytes together too");
		ok(escapes_as_the_kit("q=\xc3\x89lodie Lef\xc3\xa8vre&status=active&sort=name&dir=asc"),
		    "a list link with a search in UTF-8 too");
		ok(escapes_as_the_kit(""), "the empty text too");
		ok(text_url_escape("a b&c", buf, sizeof(buf)) == 7 && strcmp(buf, "a+b%26c") == 0,
		    "a space is a +, a reserved character %XX");
		ok(text_url_escape("a&b", buf, 5) == -1 && buf[0] == '\0',
		    "an escape that does not fit is refused, nothing written");
		ok(text_url_escape("a&b", buf, 6) == 5 && strcmp(buf, "a%26b") == 0,
		    "one that just fits is written");
		ok(text_url_escape("ab", buf, 2) == -1 && text_url_escape("", buf, 0) == -1,
		    "no room for the end of the text is refused");
	}
	is_str(text_client_key("203.0.113.7", buf, sizeof(buf)), "203.0.113.7",
	    "an IPv4 client is limited by its address");
	is_str(text_client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", buf, sizeof(buf)),
	    "2001:db8:1:2::/64", "an IPv6 client is limited by its /64");
	is_str(text_client_key("2001:db8:1:2::ffff", buf, sizeof(buf)), "2001:db8:1:2::/64",
	    "two addresses of one /64 share a key");
	is_str(text_client_key("::ffff:192.0.2.1", buf, sizeof(buf)), "::ffff:192.0.2.1",
	    "an IPv4-mapped address stays whole");
	is_str(text_client_key(NULL, buf, sizeof(buf)), "", "no address gives an empty key");
	is_str(text_client_key("not:an:address", buf, sizeof(buf)), "not:an:address",
	    "an unreadable address is kept as it is");
	return tap_done();
}
