/* Unit tests for fcgi/lib/search.c: how names, addresses and phones become
 * search terms, and how what an admin types becomes search words. */
#include <config.h>

#include <string.h>

#include "../../fcgi/lib/search.h"
#include "tap.h"

static int
has_term(const struct search_terms *terms, const char *term)
{
	int i;

	for (i = 0; i < terms->count; i++)
		if (strcmp(terms->term[i], term) == 0)
			return 1;
	return 0;
}

int
main(void)
{
	static struct search_terms terms;
	char buf[256], tokens[SEARCH_TOKENS_MAX][SEARCH_TERM_MAX + 1];
	int n;

	search_fold("Élodie LEFÈVRE", buf, sizeof(buf));
	is_str(buf, "elodie lefevre", "accents and capitals fold away");
	search_fold("Œuvre Straße Łódź", buf, sizeof(buf));
	is_str(buf, "oeuvre strasse lodz", "ligatures and Latin Extended-A letters fold");
	search_fold("O'Brien d’Artagnan", buf, sizeof(buf));
	is_str(buf, "obrien dartagnan", "apostrophes join the word");
	search_fold("  Jean-Pierre, «Zoé» ", buf, sizeof(buf));
	is_str(buf, "jean pierre zoe", "punctuation separates words, once");
	search_fold("Дмитрий ΣΟΦΙΑ", buf, sizeof(buf));
	is_str(buf, "дмитрий σοφια", "Cyrillic and Greek are lowercased");
	search_fold("E\xcc\x81lodie S\xcc\xa7tefan", buf, sizeof(buf));
	is_str(buf, "elodie stefan", "accents typed apart from their letter are dropped");
	search_fold("\xc8\x98tefan \xc8\x9a" "epe\xc8\x99", buf, sizeof(buf));
	is_str(buf, "stefan tepes", "Romanian comma-below letters fold");
	search_fold("Nguyễn Trương Đặng", buf, sizeof(buf));
	is_str(buf, "nguyen truong dang", "Vietnamese letters fold, as the collation reads them");
	search_fold("Ḗric Ǎnh ẞ", buf, sizeof(buf));
	is_str(buf, "eric anh ss", "Latin Extended Additional and Pinyin letters fold");
	search_fold("Παπαδόπουλος Ϊώ Ёлкин", buf, sizeof(buf));
	is_str(buf, "παπαδοπουλοσ ιω елкин", "Greek accents, final sigma and Cyrillic ё fold");
	search_fold("מֹשֶׁה مُحَمَّد", buf, sizeof(buf));
	is_str(buf, "משה محمد", "Hebrew points and Arabic vowel marks are dropped");
	search_fold("李小龍", buf, sizeof(buf));
	is_str(buf, "李小龍", "letters of other scripts are kept");
	search_fold("Élodie", buf, 4);
	is_str(buf, "elo", "folding stops at the buffer's end");

	search_terms("Élodie", "de la Fontaine", "elodie.f@example.fr", "33612345678", &terms);
	ok(has_term(&terms, "elodie"), "a first name is a term");
	ok(has_term(&terms, "lodie") && has_term(&terms, "die"), "its suffixes of 3+ are terms");
	ok(!has_term(&terms, "ie"), "suffixes shorter than 3 are not");
	ok(has_term(&terms, "de") && has_term(&terms, "la"), "short words are terms");
	ok(has_term(&terms, "fontaine") && has_term(&terms, "taine"), "each word of a name counts");
	ok(has_term(&terms, "example") && has_term(&terms, "fr"), "e-mail words are terms");
	ok(has_term(&terms, "612345678"), "the phone's digits from anywhere are terms");
	n = 0;
	for (int i = 0; i < terms.count; i++)
		n += strcmp(terms.term[i], "elodie") == 0;
	ok(n == 1, "a word in the name and the address is stored once");

	search_terms("Maximiliano-Alessandro", "", "abcdefghijklmnopqrstuvwxyz0123456789@x.fr", "", &terms);
	ok(has_term(&terms, "abcdefghijklmnopqrstuvwx"), "a long word is cut to the term size");
	ok(strlen(terms.term[0]) <= SEARCH_TERM_MAX, "no term is longer than the column");

	n = search_tokens("Élodie  MARTIN", tokens);
	ok(n == 2 && strcmp(tokens[0], "elodie") == 0 && strcmp(tokens[1], "martin") == 0,
	    "a search is split into folded words");
	{
		/* however a number is typed, the word is one of the forms
		 * search_terms stores */
		static const struct {
			const char *typed, *word;
		} phones[] = {
			{ "06 12 34", "061234" }, { "06", "06" }, { "06.12", "0612" },
			{ "+33 6 12", "33612" }, { "33612", "33612" }, { "0033 6 12", "33612" },
			{ "+33 (0)6 12", "33612" }, { "(0)6-12", "0612" }, { "612", "612" },
		};
		size_t i;

		for (i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
			n = search_tokens(phones[i].typed, tokens);
			ok(n == 1 && strcmp(tokens[0], phones[i].word) == 0, phones[i].typed);
		}
	}
	search_terms("", "", "", "0612345678", &terms);
	ok(has_term(&terms, "0612345678") && has_term(&terms, "33612345678"),
	    "a national French number is stored in both forms");
	search_terms("", "", "", "330612345678", &terms);
	ok(has_term(&terms, "0612345678") && has_term(&terms, "33612345678"),
	    "a number written +33 (0)6 is stored in both forms");
	search_terms("", "", "", "447700900123", &terms);
	ok(!has_term(&terms, "0447700900123") && terms.count == 10,
	    "a number from elsewhere is stored as typed");
	{
		char other[32];

		ok(search_phone_other_form("0612", other, sizeof(other)) && strcmp(other, "33612") == 0,
		    "the other form of a national number");
		ok(search_phone_other_form("33612", other, sizeof(other)) && strcmp(other, "0612") == 0,
		    "the other form of an international number");
		ok(!search_phone_other_form("612", other, sizeof(other)), "digits alone have no other form");
		ok(!search_phone_other_form("martin", other, sizeof(other)), "a name has no other form");
	}
	n = search_tokens("+33 6 12", tokens);
	ok(n == 1 && strcmp(tokens[0], "33612") == 0, "an international phone search keeps its code");
	n = search_tokens("%_ -", tokens);
	ok(n == 0, "a search of punctuation only has no word");
	n = search_tokens("6", tokens);
	ok(n == 1 && strcmp(tokens[0], "6") == 0, "one digit is a phone search: its start");
	n = search_tokens("+ ()", tokens);
	ok(n == 0, "phone punctuation without a digit has no word");
	n = search_tokens("M. Dupont", tokens);
	ok(n == 2 && strcmp(tokens[0], "m") == 0 && strcmp(tokens[1], "dupont") == 0,
	    "an initial is a word of one letter");
	n = search_tokens("un deux trois quatre cinq six sept huit neuf", tokens);
	ok(n == SEARCH_TOKENS_MAX && strcmp(tokens[7], "huit") == 0, "at most eight words are kept");
	n = search_tokens("elodie.martin.123@example.fr", tokens);
	ok(n == 5 && strcmp(tokens[2], "123") == 0 && strcmp(tokens[4], "fr") == 0, "an address is searched by its words");
	return tap_done();
}
