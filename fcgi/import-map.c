/*
 * Import, part 1 of 3 (see import-map.h): which field a file's column
 * holds, guessed from its header through one table of synonyms, and one
 * row read into a checked, normalised record. Pure functions over text: no
 * allocation, no database, so the pages and the worker agree on every
 * value and the unit test runs every case through the real code.
 *
 * Headers and closed values (countries, languages, yes/no) are compared
 * folded: lower case, accents taken off, everything but letters and digits
 * dropped ("Adresse e-mail" and "ADRESSE_EMAIL" are both "adresseemail"),
 * so a table entry is written once as people write it.
 */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import-map.h"
#include "lib/format.h"
#include "lib/text.h"

const char *const import_field_names[IMPORT_FIELD__MAX] = {
	"ignore",	/* IMPORT_IGNORE */
	"email",	/* IMPORT_EMAIL */
	"first_name",	/* IMPORT_FIRST_NAME */
	"last_name",	/* IMPORT_LAST_NAME */
	"full_name",	/* IMPORT_FULL_NAME */
	"phone",	/* IMPORT_PHONE */
	"mobile",	/* IMPORT_MOBILE */
	"company",	/* IMPORT_COMPANY */
	"address",	/* IMPORT_ADDRESS */
	"address2",	/* IMPORT_ADDRESS2 */
	"postal_code",	/* IMPORT_POSTAL_CODE */
	"city",		/* IMPORT_CITY */
	"country",	/* IMPORT_COUNTRY */
	"language",	/* IMPORT_LANGUAGE */
	"vat_number",	/* IMPORT_VAT_NUMBER */
	"tax_exempt",	/* IMPORT_TAX_EXEMPT */
	"signup_date",	/* IMPORT_SIGNUP_DATE */
	"marketing",	/* IMPORT_MARKETING */
	"note",		/* IMPORT_NOTE */
	"order_count",	/* IMPORT_ORDER_COUNT */
	"total_spent",	/* IMPORT_TOTAL_SPENT */
	"password",	/* IMPORT_PASSWORD */
	"tags",		/* IMPORT_TAGS */
	"groups",	/* IMPORT_GROUPS */
};

const char *const import_reason_names[IMPORT_REASON__MAX] = {
	"ok",			/* IMPORT_OK */
	"bad_text",		/* IMPORT_BAD_TEXT */
	"too_many_columns",	/* IMPORT_TOO_MANY_COLUMNS */
	"no_email",		/* IMPORT_NO_EMAIL */
	"bad_email",		/* IMPORT_BAD_EMAIL */
	"too_long",		/* IMPORT_TOO_LONG */
	"bad_country",		/* IMPORT_BAD_COUNTRY */
	"bad_language",		/* IMPORT_BAD_LANGUAGE */
	"bad_date",		/* IMPORT_BAD_DATE */
	"bad_number",		/* IMPORT_BAD_NUMBER */
	"bad_yes_no",		/* IMPORT_BAD_YES_NO */
	"duplicate",		/* IMPORT_DUPLICATE */
};

/* Fidèle's own export (issue 14): its columns in the order it writes them,
 * its headers in both languages, and what the import reads them as (the
 * export's columns that are not a customer's input, such as the status or
 * the average order, are ignored on the way back). */
const struct import_export_column import_export_columns[IMPORT_EXPORT_COLUMNS] = {
	{ "first_name", IMPORT_FIRST_NAME, "Prénom", "First name" },
	{ "last_name", IMPORT_LAST_NAME, "Nom", "Last name" },
	{ "email", IMPORT_EMAIL, "E-mail", "Email" },
	{ "phone", IMPORT_PHONE, "Téléphone", "Phone" },
	{ "company", IMPORT_COMPANY, "Société", "Company" },
	{ "address", IMPORT_ADDRESS, "Adresse", "Address" },
	{ "postal_code", IMPORT_POSTAL_CODE, "Code postal", "Postal code" },
	{ "city", IMPORT_CITY, "Ville", "City" },
	{ "country", IMPORT_COUNTRY, "Pays", "Country" },
	{ "language", IMPORT_LANGUAGE, "Langue", "Language" },
	{ "status", IMPORT_IGNORE, "Statut", "Status" },
	{ "source", IMPORT_IGNORE, "Origine", "Source" },
	{ "signup_date", IMPORT_SIGNUP_DATE, "Client depuis", "Customer since" },
	{ "order_count", IMPORT_ORDER_COUNT, "Commandes", "Orders" },
	{ "total_spent", IMPORT_TOTAL_SPENT, "Total dépensé", "Total spent" },
	{ "average_order", IMPORT_IGNORE, "Panier moyen", "Average order" },
	{ "last_order_date", IMPORT_IGNORE, "Dernière commande", "Last order" },
	{ "marketing", IMPORT_MARKETING, "Accepte le marketing", "Accepts marketing" },
	{ "system_mail", IMPORT_IGNORE, "E-mails de service", "Service e-mails" },
	{ "tax_exempt", IMPORT_TAX_EXEMPT, "Exonéré de TVA", "Tax exempt" },
	{ "vat_number", IMPORT_VAT_NUMBER, "N° de TVA", "VAT number" },
	{ "groups", IMPORT_GROUPS, "Groupes", "Groups" },
	{ "tags", IMPORT_TAGS, "Étiquettes", "Tags" },
};

/* Headers as spreadsheets write them, in French and English, and as the
 * exports of Shopify (customers, old and 2024 formats), Squarespace
 * (contacts), PrestaShop (customers, French and English), MyCOMMERCE and
 * Cagette (members) write them; Fidèle's own are import_export_columns.
 * Compared folded, so "E-mail", "EMAIL" and "e_mail" are one entry.
 * Where one export has two columns for a field (Shopify's "Phone" and
 * "Default Address Phone", Squarespace's shipping and billing address),
 * the second is given the fallback field or left to the first column. */
static const struct {
	const char *header;
	enum import_field field;
} import_synonyms[] = {
	{ "E-mail", IMPORT_EMAIL },
	{ "Courriel", IMPORT_EMAIL },
	{ "Adresse e-mail", IMPORT_EMAIL },
	{ "Adresse mail", IMPORT_EMAIL },
	{ "Adresse électronique", IMPORT_EMAIL },
	{ "Adresse courriel", IMPORT_EMAIL },
	{ "Courrier électronique", IMPORT_EMAIL },
	{ "Mail", IMPORT_EMAIL },
	{ "Mél", IMPORT_EMAIL },
	{ "E-mail address", IMPORT_EMAIL },
	{ "Mail address", IMPORT_EMAIL },
	{ "Customer e-mail", IMPORT_EMAIL },
	{ "Contact e-mail", IMPORT_EMAIL },
	{ "Primary e-mail", IMPORT_EMAIL },

	{ "Prénom", IMPORT_FIRST_NAME },
	{ "Prénoms", IMPORT_FIRST_NAME },
	{ "Prénom du client", IMPORT_FIRST_NAME },
	{ "First name", IMPORT_FIRST_NAME },
	{ "Given name", IMPORT_FIRST_NAME },
	{ "Forename", IMPORT_FIRST_NAME },

	/* "Nom" alone is either: a last name beside a first-name column, the
	 * whole name without one (import_guess_columns) */
	{ "Nom", IMPORT_LAST_NAME },
	{ "Nom de famille", IMPORT_LAST_NAME },
	{ "Last name", IMPORT_LAST_NAME },
	{ "Surname", IMPORT_LAST_NAME },
	{ "Family name", IMPORT_LAST_NAME },

	{ "Nom complet", IMPORT_FULL_NAME },
	{ "Nom et prénom", IMPORT_FULL_NAME },
	{ "Prénom et nom", IMPORT_FULL_NAME },
	{ "Prénom nom", IMPORT_FULL_NAME },
	{ "Nom prénom", IMPORT_FULL_NAME },
	{ "Nom du client", IMPORT_FULL_NAME },
	{ "Nom du contact", IMPORT_FULL_NAME },
	{ "Name", IMPORT_FULL_NAME },
	{ "Full name", IMPORT_FULL_NAME },
	{ "Customer name", IMPORT_FULL_NAME },
	{ "Contact name", IMPORT_FULL_NAME },
	{ "Display name", IMPORT_FULL_NAME },

	{ "Téléphone", IMPORT_PHONE },
	{ "Tél", IMPORT_PHONE },
	{ "Téléphone fixe", IMPORT_PHONE },
	{ "Tél fixe", IMPORT_PHONE },
	{ "Téléphone 1", IMPORT_PHONE },
	{ "Numéro de téléphone", IMPORT_PHONE },
	{ "N° de téléphone", IMPORT_PHONE },
	{ "Fixe", IMPORT_PHONE },
	{ "Phone", IMPORT_PHONE },
	{ "Telephone", IMPORT_PHONE },
	{ "Phone number", IMPORT_PHONE },
	{ "Telephone number", IMPORT_PHONE },
	{ "Home phone", IMPORT_PHONE },
	{ "Shipping Phone Number", IMPORT_PHONE },

	{ "Portable", IMPORT_MOBILE },
	{ "Mobile", IMPORT_MOBILE },
	{ "GSM", IMPORT_MOBILE },
	{ "Téléphone portable", IMPORT_MOBILE },
	{ "Tél portable", IMPORT_MOBILE },
	{ "Téléphone mobile", IMPORT_MOBILE },
	{ "Numéro de portable", IMPORT_MOBILE },
	{ "Téléphone 2", IMPORT_MOBILE },
	{ "Mobile phone", IMPORT_MOBILE },
	{ "Cell phone", IMPORT_MOBILE },
	{ "Cell", IMPORT_MOBILE },
	{ "Default Address Phone", IMPORT_MOBILE },
	{ "Billing Phone Number", IMPORT_MOBILE },

	{ "Société", IMPORT_COMPANY },
	{ "Entreprise", IMPORT_COMPANY },
	{ "Raison sociale", IMPORT_COMPANY },
	{ "Nom de la société", IMPORT_COMPANY },
	{ "Nom de l'entreprise", IMPORT_COMPANY },
	{ "Organisation", IMPORT_COMPANY },
	{ "Company", IMPORT_COMPANY },
	{ "Company name", IMPORT_COMPANY },
	{ "Organization", IMPORT_COMPANY },
	{ "Default Address Company", IMPORT_COMPANY },

	{ "Adresse", IMPORT_ADDRESS },
	{ "Adresse 1", IMPORT_ADDRESS },
	{ "Adresse ligne 1", IMPORT_ADDRESS },
	{ "Adresse postale", IMPORT_ADDRESS },
	{ "Rue", IMPORT_ADDRESS },
	{ "Address", IMPORT_ADDRESS },
	{ "Address 1", IMPORT_ADDRESS },
	{ "Address line 1", IMPORT_ADDRESS },
	{ "Street", IMPORT_ADDRESS },
	{ "Street address", IMPORT_ADDRESS },
	{ "Default Address Address1", IMPORT_ADDRESS },
	{ "Shipping Address 1", IMPORT_ADDRESS },
	{ "Billing Address 1", IMPORT_ADDRESS },

	{ "Adresse 2", IMPORT_ADDRESS2 },
	{ "Adresse ligne 2", IMPORT_ADDRESS2 },
	{ "Complément d'adresse", IMPORT_ADDRESS2 },
	{ "Complément", IMPORT_ADDRESS2 },
	{ "Address 2", IMPORT_ADDRESS2 },
	{ "Address line 2", IMPORT_ADDRESS2 },
	{ "Default Address Address2", IMPORT_ADDRESS2 },
	{ "Shipping Address 2", IMPORT_ADDRESS2 },
	{ "Billing Address 2", IMPORT_ADDRESS2 },

	{ "Code postal", IMPORT_POSTAL_CODE },
	{ "CP", IMPORT_POSTAL_CODE },
	{ "NPA", IMPORT_POSTAL_CODE },
	{ "Postal code", IMPORT_POSTAL_CODE },
	{ "Postcode", IMPORT_POSTAL_CODE },
	{ "Zip", IMPORT_POSTAL_CODE },
	{ "Zip code", IMPORT_POSTAL_CODE },
	{ "Default Address Zip", IMPORT_POSTAL_CODE },
	{ "Shipping Zip", IMPORT_POSTAL_CODE },
	{ "Billing Zip", IMPORT_POSTAL_CODE },

	{ "Ville", IMPORT_CITY },
	{ "Commune", IMPORT_CITY },
	{ "Localité", IMPORT_CITY },
	{ "City", IMPORT_CITY },
	{ "Town", IMPORT_CITY },
	{ "Default Address City", IMPORT_CITY },
	{ "Shipping City", IMPORT_CITY },
	{ "Billing City", IMPORT_CITY },

	{ "Pays", IMPORT_COUNTRY },
	{ "Code pays", IMPORT_COUNTRY },
	{ "Country", IMPORT_COUNTRY },
	{ "Country code", IMPORT_COUNTRY },
	{ "Country/Region", IMPORT_COUNTRY },
	{ "Default Address Country Code", IMPORT_COUNTRY },
	{ "Shipping Country", IMPORT_COUNTRY },
	{ "Billing Country", IMPORT_COUNTRY },

	{ "Langue", IMPORT_LANGUAGE },
	{ "Langue préférée", IMPORT_LANGUAGE },
	{ "Langue des e-mails", IMPORT_LANGUAGE },
	{ "Language", IMPORT_LANGUAGE },
	{ "Preferred language", IMPORT_LANGUAGE },
	{ "Locale", IMPORT_LANGUAGE },

	{ "N° TVA", IMPORT_VAT_NUMBER },
	{ "Numéro de TVA", IMPORT_VAT_NUMBER },
	{ "Numéro TVA", IMPORT_VAT_NUMBER },
	{ "TVA intracommunautaire", IMPORT_VAT_NUMBER },
	{ "N° TVA intracommunautaire", IMPORT_VAT_NUMBER },
	{ "Numéro de TVA intracommunautaire", IMPORT_VAT_NUMBER },
	{ "VAT", IMPORT_VAT_NUMBER },
	{ "VAT ID", IMPORT_VAT_NUMBER },
	{ "VAT no", IMPORT_VAT_NUMBER },

	{ "Exonéré TVA", IMPORT_TAX_EXEMPT },
	{ "Exonération de TVA", IMPORT_TAX_EXEMPT },
	{ "Exonéré", IMPORT_TAX_EXEMPT },
	{ "Tax-exempt", IMPORT_TAX_EXEMPT },
	{ "VAT exempt", IMPORT_TAX_EXEMPT },

	{ "Date d'inscription", IMPORT_SIGNUP_DATE },
	{ "Inscrit le", IMPORT_SIGNUP_DATE },
	{ "Date inscription", IMPORT_SIGNUP_DATE },
	{ "Date d'adhésion", IMPORT_SIGNUP_DATE },
	{ "Adhérent depuis", IMPORT_SIGNUP_DATE },
	{ "Inscription", IMPORT_SIGNUP_DATE },
	{ "Date de création", IMPORT_SIGNUP_DATE },
	{ "Créé le", IMPORT_SIGNUP_DATE },
	{ "Date d'ajout", IMPORT_SIGNUP_DATE },
	{ "Ajouté le", IMPORT_SIGNUP_DATE },
	{ "Membre depuis", IMPORT_SIGNUP_DATE },
	{ "Signup date", IMPORT_SIGNUP_DATE },
	{ "Sign-up date", IMPORT_SIGNUP_DATE },
	{ "Registration", IMPORT_SIGNUP_DATE },
	{ "Registration date", IMPORT_SIGNUP_DATE },
	{ "Date registered", IMPORT_SIGNUP_DATE },
	{ "Created", IMPORT_SIGNUP_DATE },
	{ "Created at", IMPORT_SIGNUP_DATE },
	{ "Created on", IMPORT_SIGNUP_DATE },
	{ "Creation date", IMPORT_SIGNUP_DATE },
	{ "Date created", IMPORT_SIGNUP_DATE },
	{ "Date added", IMPORT_SIGNUP_DATE },
	{ "Member since", IMPORT_SIGNUP_DATE },

	{ "Abonné newsletter", IMPORT_MARKETING },
	{ "Abonné à la newsletter", IMPORT_MARKETING },
	{ "Inscrit à la newsletter", IMPORT_MARKETING },
	{ "Newsletter", IMPORT_MARKETING },
	{ "Abonné", IMPORT_MARKETING },
	{ "Accepte les e-mails marketing", IMPORT_MARKETING },
	{ "Accepte les e-mails", IMPORT_MARKETING },
	{ "Accepte la newsletter", IMPORT_MARKETING },
	{ "Consentement marketing", IMPORT_MARKETING },
	{ "Opt-in", IMPORT_MARKETING },
	{ "Accepts Email Marketing", IMPORT_MARKETING },
	{ "Email marketing", IMPORT_MARKETING },
	{ "Marketing", IMPORT_MARKETING },
	{ "Marketing consent", IMPORT_MARKETING },
	{ "Subscribed", IMPORT_MARKETING },
	{ "Subscriber", IMPORT_MARKETING },
	{ "Newsletter subscriber", IMPORT_MARKETING },

	{ "Notes", IMPORT_NOTE },
	{ "Note", IMPORT_NOTE },
	{ "Remarques", IMPORT_NOTE },
	{ "Remarque", IMPORT_NOTE },
	{ "Commentaire", IMPORT_NOTE },
	{ "Commentaires", IMPORT_NOTE },
	{ "Observations", IMPORT_NOTE },
	{ "Note interne", IMPORT_NOTE },
	{ "Notes internes", IMPORT_NOTE },
	{ "Comment", IMPORT_NOTE },
	{ "Comments", IMPORT_NOTE },
	{ "Internal note", IMPORT_NOTE },

	{ "Nombre de commandes", IMPORT_ORDER_COUNT },
	{ "Nb commandes", IMPORT_ORDER_COUNT },
	{ "Nb de commandes", IMPORT_ORDER_COUNT },
	{ "Total commandes", IMPORT_ORDER_COUNT },
	{ "Total orders", IMPORT_ORDER_COUNT },
	{ "Number of orders", IMPORT_ORDER_COUNT },
	{ "Order count", IMPORT_ORDER_COUNT },
	{ "Orders count", IMPORT_ORDER_COUNT },

	{ "Montant total", IMPORT_TOTAL_SPENT },
	{ "Total des achats", IMPORT_TOTAL_SPENT },
	{ "Total achats", IMPORT_TOTAL_SPENT },
	{ "Chiffre d'affaires", IMPORT_TOTAL_SPENT },
	{ "CA", IMPORT_TOTAL_SPENT },
	{ "Ventes", IMPORT_TOTAL_SPENT },
	{ "Amount spent", IMPORT_TOTAL_SPENT },
	{ "Total sales", IMPORT_TOTAL_SPENT },
	{ "Sales", IMPORT_TOTAL_SPENT },
	{ "Lifetime value", IMPORT_TOTAL_SPENT },

	{ "Mot de passe", IMPORT_PASSWORD },
	{ "MDP", IMPORT_PASSWORD },
	{ "Password", IMPORT_PASSWORD },
	{ "Passwd", IMPORT_PASSWORD },

	{ "Tag", IMPORT_TAGS },
	{ "Étiquette", IMPORT_TAGS },
	{ "Labels", IMPORT_TAGS },
	{ "Mots-clés", IMPORT_TAGS },

	{ "Groupe", IMPORT_GROUPS },
	{ "Groupe(s)", IMPORT_GROUPS },
	{ "Group", IMPORT_GROUPS },
	{ "Groupe client", IMPORT_GROUPS },
	{ "Customer group", IMPORT_GROUPS },
};

/* ------------------------------------------------------------------------
 * Folding
 */

/* Base letters of U+00C0..U+00FF and U+0100..U+017F; '*' marks the
 * letters written with two (æ œ ß þ) and '-' what is not a letter. */
static const char latin1_letters[] = "aaaaaa*ceeeeiiiidnooooo-ouuuuy**aaaaaa*ceeeeiiiidnooooo-ouuuuy*y";
static const char latin_a_letters[] =
    "aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii" "iiiijjkkklllllll"
    "lllnnnnnnnnnoooo" "oo**rrrrrrssssss" "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";

/* The letters of a code point written with two. */
static const char *
fold_pair(unsigned cp)
{
	switch (cp) {
	case 0xc6: case 0xe6: return "ae";
	case 0xdf: return "ss";
	case 0xde: case 0xfe: return "th";
	default: return "oe";	/* U+0152, U+0153 */
	}
}

/* The folded letters of the code point at *p (advanced past it) into
 * letters; returns how many (0 to 2). Sets *bracket to '(' or ')' when the
 * code point is one. */
static int
fold_step(const unsigned char **p, const unsigned char *end, char letters[2], int *bracket)
{
	unsigned cp = **p;
	char letter = 0;

	*bracket = 0;
	if (cp < 0x80)
		(*p)++;
	else if ((cp & 0xe0) == 0xc0 && *p + 1 < end) {
		cp = (cp & 0x1f) << 6 | ((*p)[1] & 0x3f);
		*p += 2;
	} else {
		/* three- and four-byte characters fold to nothing we compare */
		(*p)++;
		while (*p < end && (**p & 0xc0) == 0x80)
			(*p)++;
		return 0;
	}
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
		letter = (char)cp;
	else if (cp >= 'A' && cp <= 'Z')
		letter = (char)(cp - 'A' + 'a');
	else if (cp >= 0xc0 && cp <= 0xff)
		letter = latin1_letters[cp - 0xc0];
	else if (cp >= 0x100 && cp <= 0x17f)
		letter = latin_a_letters[cp - 0x100];
	else if (cp == '(' || cp == ')')
		*bracket = (int)cp;
	if (letter == '*') {
		const char *pair = fold_pair(cp);

		letters[0] = pair[0];
		letters[1] = pair[1];
		return 2;
	}
	if (letter == 0 || letter == '-')
		return 0;
	letters[0] = letter;
	return 1;
}

/* Folds text (len bytes, UTF-8) into out (size bytes): letters lower-cased
 * without accents, digits kept, the rest dropped; with brackets set, what
 * is in parentheses is dropped too ("E-mail (obligatoire)"). Returns 0, or
 * -1 when it does not fit (then it matches nothing we know). */
static int
fold(const char *text, size_t len, int brackets, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	size_t n = 0;
	int depth = 0;

	while (p < end) {
		char letters[2];
		int bracket, count = fold_step(&p, end, letters, &bracket), i;

		if (bracket == '(')
			depth++;
		else if (bracket == ')' && depth > 0)
			depth--;
		if (brackets && depth > 0)
			continue;
		for (i = 0; i < count; i++) {
			if (n + 1 >= size)
				return -1;
			out[n++] = letters[i];
		}
	}
	out[n] = '\0';
	return 0;
}

#define FOLD_MAX 128

/* Whether entry folds to folded. Compared as it folds, so that a table
 * walked for every row of a million costs a byte or two per entry. */
static int
fold_equal(const char *folded, const char *entry)
{
	const unsigned char *p = (const unsigned char *)entry, *end = p + strlen(entry);
	size_t n = 0;

	while (p < end) {
		char letters[2];
		int bracket, count = fold_step(&p, end, letters, &bracket), i;

		for (i = 0; i < count; i++)
			if (folded[n++] != letters[i])
				return 0;
	}
	return folded[n] == '\0';
}

/* ------------------------------------------------------------------------
 * Fields and headers
 */

enum import_field
import_field_find(const char *name)
{
	int f;

	for (f = 0; f < IMPORT_FIELD__MAX; f++)
		if (strcmp(import_field_names[f], name) == 0)
			return (enum import_field)f;
	return IMPORT_FIELD__MAX;
}

/* The field a folded header names, or IMPORT_FIELD__MAX. */
static enum import_field
guess_folded(const char *folded)
{
	size_t i;

	if (folded[0] == '\0')
		return IMPORT_FIELD__MAX;
	for (i = 0; i < sizeof(import_synonyms) / sizeof(import_synonyms[0]); i++)
		if (fold_equal(folded, import_synonyms[i].header))
			return import_synonyms[i].field;
	for (i = 0; i < IMPORT_EXPORT_COLUMNS; i++)
		if (import_export_columns[i].field != IMPORT_IGNORE &&
		    (fold_equal(folded, import_export_columns[i].header_fr) ||
		    fold_equal(folded, import_export_columns[i].header_en) ||
		    fold_equal(folded, import_export_columns[i].name)))
			return import_export_columns[i].field;
	return IMPORT_FIELD__MAX;
}

enum import_field
import_guess(const char *header)
{
	char folded[FOLD_MAX];
	enum import_field field;
	size_t len;

	if (header == NULL)
		return IMPORT_IGNORE;
	len = strlen(header);
	if (fold(header, len, 0, folded, sizeof(folded)) == 0 &&
	    (field = guess_folded(folded)) != IMPORT_FIELD__MAX)
		return field;
	if (fold(header, len, 1, folded, sizeof(folded)) == 0 &&
	    (field = guess_folded(folded)) != IMPORT_FIELD__MAX)
		return field;
	return IMPORT_IGNORE;
}

int
import_guess_columns(const char *const *headers, int count, enum import_field *map)
{
	int taken[IMPORT_FIELD__MAX] = { 0 };
	int column;

	for (column = 0; column < count; column++) {
		enum import_field field = import_guess(headers[column]);

		if (field != IMPORT_IGNORE && taken[field])
			field = IMPORT_IGNORE;
		taken[field] = 1;
		map[column] = field;
	}
	/* MyCOMMERCE's "Nom,E-mail,Mot de passe": without a first name
	 * beside it, "Nom" is the whole name */
	if (taken[IMPORT_LAST_NAME] && !taken[IMPORT_FIRST_NAME] && !taken[IMPORT_FULL_NAME])
		for (column = 0; column < count; column++)
			if (map[column] == IMPORT_LAST_NAME)
				map[column] = IMPORT_FULL_NAME;
	return taken[IMPORT_EMAIL];
}

/* ------------------------------------------------------------------------
 * Values
 */

/* A view of a cell: its bytes, not NUL-terminated. */
struct cell {
	const char *text;
	size_t len;
};

/* The length of the white space (ASCII, no-break, narrow no-break, zero
 * width, BOM) at p, or 0. */
static size_t
space_at(const char *p, size_t left)
{
	const unsigned char *u = (const unsigned char *)p;

	if (left >= 1 && (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r')))
		return 1;
	if (left >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] == 0xaf || u[2] == 0x8b || u[2] == 0x87 || u[2] == 0x89))
		return 3;
	if (left >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;
	return 0;
}

/* The length of the white space ending at p + len, or 0. */
static size_t
space_before(const char *p, size_t len)
{
	size_t n;

	for (n = 1; n <= 3 && n <= len; n++)
		if (space_at(p + len - n, n) == n)
			return n;
	return 0;
}

static struct cell
cell_trim(const char *text, size_t len)
{
	struct cell cell = { text, len };
	size_t n;

	while (cell.len > 0 && (n = space_at(cell.text, cell.len)) > 0) {
		cell.text += n;
		cell.len -= n;
	}
	while (cell.len > 0 && (n = space_before(cell.text, cell.len)) > 0)
		cell.len -= n;
	return cell;
}

/* A cell as a spreadsheet-safe CSV writes a value that starts like a
 * formula (= + - @, tab or CR): behind a ' that OWASP's advice adds and
 * Excel hides (Fidèle's own export does it, sheet_out.c). The value is the
 * rest: "'=Zoé" is "=Zoé", "'-Dupont" is "-Dupont"; a ' before anything
 * else stays ("'Abbaye" is a name). */
static struct cell
cell_formula_unquoted(struct cell cell)
{
	if (cell.len >= 2 && cell.text[0] == '\'' && strchr("=+-@\t\r", cell.text[1]) != NULL) {
		cell.text++;
		cell.len--;
	}
	return cell;
}

/* What people write in a cell that has no value: Excel's error, a dash. */
static int
cell_is_placeholder(struct cell cell)
{
	static const char *const placeholders[] = { "-", "--", "\xe2\x80\x93", "\xe2\x80\x94", "n/a",
	    "N/A", "#N/A", "#N/D" };
	size_t i;

	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
		if (cell.len == strlen(placeholders[i]) && memcmp(cell.text, placeholders[i], cell.len) == 0)
			return 1;
	return 0;
}

/* Copies a cell into out (size bytes) as text of at most max_chars
 * characters: one line (line breaks and tabs become one space) unless
 * multiline, where line ends become \n. Control characters and bytes that
 * are not UTF-8 are refused. */
static enum import_reason
text_take(struct cell cell, char *out, size_t size, size_t max_chars, int multiline)
{
	size_t i, n = 0, chars = 0;

	for (i = 0; i < cell.len; i++) {
		unsigned char c = (unsigned char)cell.text[i];

		if (c == '\r' || c == '\n' || c == '\t') {
			if (multiline && c != '\t') {
				if (c == '\r' && i + 1 < cell.len && cell.text[i + 1] == '\n')
					i++;
				c = '\n';
			} else {
				while (i + 1 < cell.len && (cell.text[i + 1] == '\r' ||
				    cell.text[i + 1] == '\n' || cell.text[i + 1] == '\t' || cell.text[i + 1] == ' '))
					i++;
				c = ' ';
			}
		} else if (c < 0x20 || c == 0x7f)
			return IMPORT_BAD_TEXT;
		if (n + 1 >= size)
			return IMPORT_TOO_LONG;
		out[n++] = (char)c;
		chars += (c & 0xc0) != 0x80;
	}
	out[n] = '\0';
	/* the reader gives UTF-8, but a record is checked as a form would be */
	if (!text_is_clean_utf8(out, multiline))
		return IMPORT_BAD_TEXT;
	return chars > max_chars ? IMPORT_TOO_LONG : IMPORT_OK;
}

/* Copies a cell (at most max bytes) into a small NUL-terminated buffer for
 * parsing; returns 0, or -1 when longer. */
static int
cell_copy(struct cell cell, char *out, size_t max)
{
	if (cell.len >= max)
		return -1;
	memcpy(out, cell.text, cell.len);
	out[cell.len] = '\0';
	return 0;
}

/* --- names ---------------------------------------------------------------- */

/* Words that begin a last name ("de La Fontaine", "van Gogh"). */
static int
is_particle(const char *word, size_t len)
{
	static const char *const particles[] = { "de", "du", "des", "d'", "le", "la", "les", "l'",
	    "van", "von", "der", "den", "ter", "ten", "di", "da", "dos", "das", "del", "della" };
	size_t i;

	for (i = 0; i < sizeof(particles) / sizeof(particles[0]); i++)
		if (strlen(particles[i]) == len && strncasecmp(word, particles[i], len) == 0)
			return 1;
	return 0;
}

/* Whether a word is written in capitals ("MARTIN", "LEFÈVRE"): at least
 * two capitals and no small letter. */
static int
is_capitals(const char *word, size_t len)
{
	size_t i, capitals = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)word[i];

		if (c >= 'a' && c <= 'z')
			return 0;
		if (c >= 'A' && c <= 'Z')
			capitals++;
		if (c == 0xc3 && i + 1 < len) {
			unsigned char next = (unsigned char)word[++i];

			if (next >= 0x9f)
				return 0;
			capitals++;
		}
	}
	return capitals >= 2;
}

#define NAME_WORDS_MAX 64

/* Splits a whole name into first and last name: "Martin, Élodie" (last
 * name first, with a comma), "MARTIN Élodie" (the last name in capitals,
 * first), else the last word with the particles before it is the last
 * name ("Jean-Pierre de La Fontaine"); one word is a last name. */
static enum import_reason
name_split(struct cell cell, struct import_record *out)
{
	struct cell first = { cell.text, 0 }, last = cell;
	const char *comma = memchr(cell.text, ',', cell.len);
	enum import_reason reason;

	if (comma != NULL) {
		last = cell_trim(cell.text, (size_t)(comma - cell.text));
		first = cell_trim(comma + 1, cell.len - (size_t)(comma + 1 - cell.text));
	} else {
		size_t start[NAME_WORDS_MAX], end[NAME_WORDS_MAX];
		size_t i = 0, n;
		int words = 0, split, capitals = 0;

		while (i < cell.len && words < NAME_WORDS_MAX) {
			while (i < cell.len && (n = space_at(cell.text + i, cell.len - i)) > 0)
				i += n;
			if (i >= cell.len)
				break;
			start[words] = i;
			while (i < cell.len && space_at(cell.text + i, cell.len - i) == 0)
				i++;
			end[words++] = i;
		}
		while (capitals < words && is_capitals(cell.text + start[capitals],
		    end[capitals] - start[capitals]))
			capitals++;
		if (words <= 1 || i < cell.len)
			split = 0;
		else if (capitals > 0 && capitals < words) {
			/* "MARTIN Élodie": the capitals are the last name */
			last = cell_trim(cell.text, end[capitals - 1]);
			first = cell_trim(cell.text + start[capitals], cell.len - start[capitals]);
			split = -1;
		} else {
			split = words - 1;
			while (split > 0 && is_particle(cell.text + start[split - 1],
			    end[split - 1] - start[split - 1]))
				split--;
		}
		if (split > 0) {
			first = cell_trim(cell.text, end[split - 1]);
			last = cell_trim(cell.text + start[split], cell.len - start[split]);
		}
	}
	if ((reason = text_take(first, out->first_name, sizeof(out->first_name), 100, 0)) != IMPORT_OK ||
	    (reason = text_take(last, out->last_name, sizeof(out->last_name), 100, 0)) != IMPORT_OK)
		return reason;
	out->has[IMPORT_FIRST_NAME] = out->first_name[0] != '\0';
	out->has[IMPORT_LAST_NAME] = out->last_name[0] != '\0';
	return IMPORT_OK;
}

/* --- countries ------------------------------------------------------------ */

/* ISO 3166-1: alpha-2, alpha-3, French and English short names. */
static const struct {
	const char code[3];
	const char code3[4];
	const char *french;
	const char *english;
} countries[] = {
	{ "AD", "AND", "Andorre", "Andorra" },
	{ "AE", "ARE", "Émirats arabes unis", "United Arab Emirates" },
	{ "AF", "AFG", "Afghanistan", "Afghanistan" },
	{ "AG", "ATG", "Antigua-et-Barbuda", "Antigua and Barbuda" },
	{ "AI", "AIA", "Anguilla", "Anguilla" },
	{ "AL", "ALB", "Albanie", "Albania" },
	{ "AM", "ARM", "Arménie", "Armenia" },
	{ "AO", "AGO", "Angola", "Angola" },
	{ "AQ", "ATA", "Antarctique", "Antarctica" },
	{ "AR", "ARG", "Argentine", "Argentina" },
	{ "AS", "ASM", "Samoa américaines", "American Samoa" },
	{ "AT", "AUT", "Autriche", "Austria" },
	{ "AU", "AUS", "Australie", "Australia" },
	{ "AW", "ABW", "Aruba", "Aruba" },
	{ "AX", "ALA", "Îles Åland", "Åland Islands" },
	{ "AZ", "AZE", "Azerbaïdjan", "Azerbaijan" },
	{ "BA", "BIH", "Bosnie-Herzégovine", "Bosnia and Herzegovina" },
	{ "BB", "BRB", "Barbade", "Barbados" },
	{ "BD", "BGD", "Bangladesh", "Bangladesh" },
	{ "BE", "BEL", "Belgique", "Belgium" },
	{ "BF", "BFA", "Burkina Faso", "Burkina Faso" },
	{ "BG", "BGR", "Bulgarie", "Bulgaria" },
	{ "BH", "BHR", "Bahreïn", "Bahrain" },
	{ "BI", "BDI", "Burundi", "Burundi" },
	{ "BJ", "BEN", "Bénin", "Benin" },
	{ "BL", "BLM", "Saint-Barthélemy", "Saint Barthélemy" },
	{ "BM", "BMU", "Bermudes", "Bermuda" },
	{ "BN", "BRN", "Brunei", "Brunei Darussalam" },
	{ "BO", "BOL", "Bolivie", "Bolivia" },
	{ "BQ", "BES", "Pays-Bas caribéens", "Bonaire, Sint Eustatius and Saba" },
	{ "BR", "BRA", "Brésil", "Brazil" },
	{ "BS", "BHS", "Bahamas", "Bahamas" },
	{ "BT", "BTN", "Bhoutan", "Bhutan" },
	{ "BV", "BVT", "Île Bouvet", "Bouvet Island" },
	{ "BW", "BWA", "Botswana", "Botswana" },
	{ "BY", "BLR", "Biélorussie", "Belarus" },
	{ "BZ", "BLZ", "Belize", "Belize" },
	{ "CA", "CAN", "Canada", "Canada" },
	{ "CC", "CCK", "Îles Cocos", "Cocos (Keeling) Islands" },
	{ "CD", "COD", "République démocratique du Congo", "Democratic Republic of the Congo" },
	{ "CF", "CAF", "République centrafricaine", "Central African Republic" },
	{ "CG", "COG", "Congo", "Congo" },
	{ "CH", "CHE", "Suisse", "Switzerland" },
	{ "CI", "CIV", "Côte d'Ivoire", "Ivory Coast" },
	{ "CK", "COK", "Îles Cook", "Cook Islands" },
	{ "CL", "CHL", "Chili", "Chile" },
	{ "CM", "CMR", "Cameroun", "Cameroon" },
	{ "CN", "CHN", "Chine", "China" },
	{ "CO", "COL", "Colombie", "Colombia" },
	{ "CR", "CRI", "Costa Rica", "Costa Rica" },
	{ "CU", "CUB", "Cuba", "Cuba" },
	{ "CV", "CPV", "Cap-Vert", "Cabo Verde" },
	{ "CW", "CUW", "Curaçao", "Curaçao" },
	{ "CX", "CXR", "Île Christmas", "Christmas Island" },
	{ "CY", "CYP", "Chypre", "Cyprus" },
	{ "CZ", "CZE", "Tchéquie", "Czechia" },
	{ "DE", "DEU", "Allemagne", "Germany" },
	{ "DJ", "DJI", "Djibouti", "Djibouti" },
	{ "DK", "DNK", "Danemark", "Denmark" },
	{ "DM", "DMA", "Dominique", "Dominica" },
	{ "DO", "DOM", "République dominicaine", "Dominican Republic" },
	{ "DZ", "DZA", "Algérie", "Algeria" },
	{ "EC", "ECU", "Équateur", "Ecuador" },
	{ "EE", "EST", "Estonie", "Estonia" },
	{ "EG", "EGY", "Égypte", "Egypt" },
	{ "EH", "ESH", "Sahara occidental", "Western Sahara" },
	{ "ER", "ERI", "Érythrée", "Eritrea" },
	{ "ES", "ESP", "Espagne", "Spain" },
	{ "ET", "ETH", "Éthiopie", "Ethiopia" },
	{ "FI", "FIN", "Finlande", "Finland" },
	{ "FJ", "FJI", "Fidji", "Fiji" },
	{ "FK", "FLK", "Îles Malouines", "Falkland Islands" },
	{ "FM", "FSM", "Micronésie", "Micronesia" },
	{ "FO", "FRO", "Îles Féroé", "Faroe Islands" },
	{ "FR", "FRA", "France", "France" },
	{ "GA", "GAB", "Gabon", "Gabon" },
	{ "GB", "GBR", "Royaume-Uni", "United Kingdom" },
	{ "GD", "GRD", "Grenade", "Grenada" },
	{ "GE", "GEO", "Géorgie", "Georgia" },
	{ "GF", "GUF", "Guyane", "French Guiana" },
	{ "GG", "GGY", "Guernesey", "Guernsey" },
	{ "GH", "GHA", "Ghana", "Ghana" },
	{ "GI", "GIB", "Gibraltar", "Gibraltar" },
	{ "GL", "GRL", "Groenland", "Greenland" },
	{ "GM", "GMB", "Gambie", "Gambia" },
	{ "GN", "GIN", "Guinée", "Guinea" },
	{ "GP", "GLP", "Guadeloupe", "Guadeloupe" },
	{ "GQ", "GNQ", "Guinée équatoriale", "Equatorial Guinea" },
	{ "GR", "GRC", "Grèce", "Greece" },
	{ "GS", "SGS", "Géorgie du Sud-et-les Îles Sandwich du Sud",
	    "South Georgia and the South Sandwich Islands" },
	{ "GT", "GTM", "Guatemala", "Guatemala" },
	{ "GU", "GUM", "Guam", "Guam" },
	{ "GW", "GNB", "Guinée-Bissau", "Guinea-Bissau" },
	{ "GY", "GUY", "Guyana", "Guyana" },
	{ "HK", "HKG", "Hong Kong", "Hong Kong" },
	{ "HM", "HMD", "Îles Heard-et-MacDonald", "Heard Island and McDonald Islands" },
	{ "HN", "HND", "Honduras", "Honduras" },
	{ "HR", "HRV", "Croatie", "Croatia" },
	{ "HT", "HTI", "Haïti", "Haiti" },
	{ "HU", "HUN", "Hongrie", "Hungary" },
	{ "ID", "IDN", "Indonésie", "Indonesia" },
	{ "IE", "IRL", "Irlande", "Ireland" },
	{ "IL", "ISR", "Israël", "Israel" },
	{ "IM", "IMN", "Île de Man", "Isle of Man" },
	{ "IN", "IND", "Inde", "India" },
	{ "IO", "IOT", "Territoire britannique de l'océan Indien", "British Indian Ocean Territory" },
	{ "IQ", "IRQ", "Irak", "Iraq" },
	{ "IR", "IRN", "Iran", "Iran" },
	{ "IS", "ISL", "Islande", "Iceland" },
	{ "IT", "ITA", "Italie", "Italy" },
	{ "JE", "JEY", "Jersey", "Jersey" },
	{ "JM", "JAM", "Jamaïque", "Jamaica" },
	{ "JO", "JOR", "Jordanie", "Jordan" },
	{ "JP", "JPN", "Japon", "Japan" },
	{ "KE", "KEN", "Kenya", "Kenya" },
	{ "KG", "KGZ", "Kirghizistan", "Kyrgyzstan" },
	{ "KH", "KHM", "Cambodge", "Cambodia" },
	{ "KI", "KIR", "Kiribati", "Kiribati" },
	{ "KM", "COM", "Comores", "Comoros" },
	{ "KN", "KNA", "Saint-Christophe-et-Niévès", "Saint Kitts and Nevis" },
	{ "KP", "PRK", "Corée du Nord", "North Korea" },
	{ "KR", "KOR", "Corée du Sud", "South Korea" },
	{ "KW", "KWT", "Koweït", "Kuwait" },
	{ "KY", "CYM", "Îles Caïmans", "Cayman Islands" },
	{ "KZ", "KAZ", "Kazakhstan", "Kazakhstan" },
	{ "LA", "LAO", "Laos", "Laos" },
	{ "LB", "LBN", "Liban", "Lebanon" },
	{ "LC", "LCA", "Sainte-Lucie", "Saint Lucia" },
	{ "LI", "LIE", "Liechtenstein", "Liechtenstein" },
	{ "LK", "LKA", "Sri Lanka", "Sri Lanka" },
	{ "LR", "LBR", "Liberia", "Liberia" },
	{ "LS", "LSO", "Lesotho", "Lesotho" },
	{ "LT", "LTU", "Lituanie", "Lithuania" },
	{ "LU", "LUX", "Luxembourg", "Luxembourg" },
	{ "LV", "LVA", "Lettonie", "Latvia" },
	{ "LY", "LBY", "Libye", "Libya" },
	{ "MA", "MAR", "Maroc", "Morocco" },
	{ "MC", "MCO", "Monaco", "Monaco" },
	{ "MD", "MDA", "Moldavie", "Moldova" },
	{ "ME", "MNE", "Monténégro", "Montenegro" },
	{ "MF", "MAF", "Saint-Martin", "Saint Martin" },
	{ "MG", "MDG", "Madagascar", "Madagascar" },
	{ "MH", "MHL", "Îles Marshall", "Marshall Islands" },
	{ "MK", "MKD", "Macédoine du Nord", "North Macedonia" },
	{ "ML", "MLI", "Mali", "Mali" },
	{ "MM", "MMR", "Birmanie", "Myanmar" },
	{ "MN", "MNG", "Mongolie", "Mongolia" },
	{ "MO", "MAC", "Macao", "Macao" },
	{ "MP", "MNP", "Îles Mariannes du Nord", "Northern Mariana Islands" },
	{ "MQ", "MTQ", "Martinique", "Martinique" },
	{ "MR", "MRT", "Mauritanie", "Mauritania" },
	{ "MS", "MSR", "Montserrat", "Montserrat" },
	{ "MT", "MLT", "Malte", "Malta" },
	{ "MU", "MUS", "Maurice", "Mauritius" },
	{ "MV", "MDV", "Maldives", "Maldives" },
	{ "MW", "MWI", "Malawi", "Malawi" },
	{ "MX", "MEX", "Mexique", "Mexico" },
	{ "MY", "MYS", "Malaisie", "Malaysia" },
	{ "MZ", "MOZ", "Mozambique", "Mozambique" },
	{ "NA", "NAM", "Namibie", "Namibia" },
	{ "NC", "NCL", "Nouvelle-Calédonie", "New Caledonia" },
	{ "NE", "NER", "Niger", "Niger" },
	{ "NF", "NFK", "Île Norfolk", "Norfolk Island" },
	{ "NG", "NGA", "Nigeria", "Nigeria" },
	{ "NI", "NIC", "Nicaragua", "Nicaragua" },
	{ "NL", "NLD", "Pays-Bas", "Netherlands" },
	{ "NO", "NOR", "Norvège", "Norway" },
	{ "NP", "NPL", "Népal", "Nepal" },
	{ "NR", "NRU", "Nauru", "Nauru" },
	{ "NU", "NIU", "Niue", "Niue" },
	{ "NZ", "NZL", "Nouvelle-Zélande", "New Zealand" },
	{ "OM", "OMN", "Oman", "Oman" },
	{ "PA", "PAN", "Panama", "Panama" },
	{ "PE", "PER", "Pérou", "Peru" },
	{ "PF", "PYF", "Polynésie française", "French Polynesia" },
	{ "PG", "PNG", "Papouasie-Nouvelle-Guinée", "Papua New Guinea" },
	{ "PH", "PHL", "Philippines", "Philippines" },
	{ "PK", "PAK", "Pakistan", "Pakistan" },
	{ "PL", "POL", "Pologne", "Poland" },
	{ "PM", "SPM", "Saint-Pierre-et-Miquelon", "Saint Pierre and Miquelon" },
	{ "PN", "PCN", "Îles Pitcairn", "Pitcairn" },
	{ "PR", "PRI", "Porto Rico", "Puerto Rico" },
	{ "PS", "PSE", "Palestine", "Palestine" },
	{ "PT", "PRT", "Portugal", "Portugal" },
	{ "PW", "PLW", "Palaos", "Palau" },
	{ "PY", "PRY", "Paraguay", "Paraguay" },
	{ "QA", "QAT", "Qatar", "Qatar" },
	{ "RE", "REU", "La Réunion", "Réunion" },
	{ "RO", "ROU", "Roumanie", "Romania" },
	{ "RS", "SRB", "Serbie", "Serbia" },
	{ "RU", "RUS", "Russie", "Russia" },
	{ "RW", "RWA", "Rwanda", "Rwanda" },
	{ "SA", "SAU", "Arabie saoudite", "Saudi Arabia" },
	{ "SB", "SLB", "Îles Salomon", "Solomon Islands" },
	{ "SC", "SYC", "Seychelles", "Seychelles" },
	{ "SD", "SDN", "Soudan", "Sudan" },
	{ "SE", "SWE", "Suède", "Sweden" },
	{ "SG", "SGP", "Singapour", "Singapore" },
	{ "SH", "SHN", "Sainte-Hélène", "Saint Helena" },
	{ "SI", "SVN", "Slovénie", "Slovenia" },
	{ "SJ", "SJM", "Svalbard et Jan Mayen", "Svalbard and Jan Mayen" },
	{ "SK", "SVK", "Slovaquie", "Slovakia" },
	{ "SL", "SLE", "Sierra Leone", "Sierra Leone" },
	{ "SM", "SMR", "Saint-Marin", "San Marino" },
	{ "SN", "SEN", "Sénégal", "Senegal" },
	{ "SO", "SOM", "Somalie", "Somalia" },
	{ "SR", "SUR", "Suriname", "Suriname" },
	{ "SS", "SSD", "Soudan du Sud", "South Sudan" },
	{ "ST", "STP", "Sao Tomé-et-Principe", "Sao Tome and Principe" },
	{ "SV", "SLV", "Salvador", "El Salvador" },
	{ "SX", "SXM", "Sint Maarten", "Sint Maarten" },
	{ "SY", "SYR", "Syrie", "Syria" },
	{ "SZ", "SWZ", "Eswatini", "Eswatini" },
	{ "TC", "TCA", "Îles Turques-et-Caïques", "Turks and Caicos Islands" },
	{ "TD", "TCD", "Tchad", "Chad" },
	{ "TF", "ATF", "Terres australes françaises", "French Southern Territories" },
	{ "TG", "TGO", "Togo", "Togo" },
	{ "TH", "THA", "Thaïlande", "Thailand" },
	{ "TJ", "TJK", "Tadjikistan", "Tajikistan" },
	{ "TK", "TKL", "Tokelau", "Tokelau" },
	{ "TL", "TLS", "Timor oriental", "Timor-Leste" },
	{ "TM", "TKM", "Turkménistan", "Turkmenistan" },
	{ "TN", "TUN", "Tunisie", "Tunisia" },
	{ "TO", "TON", "Tonga", "Tonga" },
	{ "TR", "TUR", "Turquie", "Türkiye" },
	{ "TT", "TTO", "Trinité-et-Tobago", "Trinidad and Tobago" },
	{ "TV", "TUV", "Tuvalu", "Tuvalu" },
	{ "TW", "TWN", "Taïwan", "Taiwan" },
	{ "TZ", "TZA", "Tanzanie", "Tanzania" },
	{ "UA", "UKR", "Ukraine", "Ukraine" },
	{ "UG", "UGA", "Ouganda", "Uganda" },
	{ "UM", "UMI", "Îles mineures éloignées des États-Unis", "United States Minor Outlying Islands" },
	{ "US", "USA", "États-Unis", "United States" },
	{ "UY", "URY", "Uruguay", "Uruguay" },
	{ "UZ", "UZB", "Ouzbékistan", "Uzbekistan" },
	{ "VA", "VAT", "Vatican", "Holy See" },
	{ "VC", "VCT", "Saint-Vincent-et-les-Grenadines", "Saint Vincent and the Grenadines" },
	{ "VE", "VEN", "Venezuela", "Venezuela" },
	{ "VG", "VGB", "Îles Vierges britanniques", "British Virgin Islands" },
	{ "VI", "VIR", "Îles Vierges des États-Unis", "United States Virgin Islands" },
	{ "VN", "VNM", "Viêt Nam", "Viet Nam" },
	{ "VU", "VUT", "Vanuatu", "Vanuatu" },
	{ "WF", "WLF", "Wallis-et-Futuna", "Wallis and Futuna" },
	{ "WS", "WSM", "Samoa", "Samoa" },
	{ "YE", "YEM", "Yémen", "Yemen" },
	{ "YT", "MYT", "Mayotte", "Mayotte" },
	{ "ZA", "ZAF", "Afrique du Sud", "South Africa" },
	{ "ZM", "ZMB", "Zambie", "Zambia" },
	{ "ZW", "ZWE", "Zimbabwe", "Zimbabwe" },
};

/* Other names people write for a country: common ones, older official
 * ones, and the neighbours' own names. */
static const struct {
	const char *name;
	const char code[3];
} country_aliases[] = {
	{ "UK", "GB" }, { "Grande-Bretagne", "GB" }, { "Great Britain", "GB" },
	{ "Angleterre", "GB" }, { "England", "GB" }, { "Écosse", "GB" }, { "Scotland", "GB" },
	{ "Pays de Galles", "GB" }, { "Wales", "GB" }, { "Irlande du Nord", "GB" },
	{ "Northern Ireland", "GB" },
	{ "United States of America", "US" }, { "États-Unis d'Amérique", "US" },
	{ "France métropolitaine", "FR" }, { "FX", "FR" },
	{ "Hollande", "NL" }, { "Holland", "NL" }, { "Nederland", "NL" },
	{ "Deutschland", "DE" }, { "España", "ES" }, { "Italia", "IT" }, { "Schweiz", "CH" },
	{ "Svizzera", "CH" }, { "België", "BE" }, { "Österreich", "AT" }, { "Polska", "PL" },
	{ "République tchèque", "CZ" }, { "Czech Republic", "CZ" },
	{ "Côte-d'Ivoire", "CI" }, { "Cape Verde", "CV" }, { "Turkey", "TR" },
	{ "Vietnam", "VN" }, { "Burma", "MM" }, { "Myanmar", "MM" }, { "Macédoine", "MK" },
	{ "Macedonia", "MK" }, { "Swaziland", "SZ" }, { "Bélarus", "BY" },
	{ "Russian Federation", "RU" }, { "Republic of Korea", "KR" },
	{ "Congo-Kinshasa", "CD" }, { "RDC", "CD" }, { "DRC", "CD" }, { "Congo-Brazzaville", "CG" },
	{ "Guyane française", "GF" }, { "Réunion", "RE" }, { "Saint-Siège", "VA" },
	{ "Vatican City", "VA" }, { "Île Maurice", "MU" }, { "Brunéi Darussalam", "BN" },
	{ "Brunei", "BN" }, { "Tchéquie", "CZ" }, { "Turks and Caicos", "TC" },
};

/* Every name and code of every country, folded and sorted, built once:
 * a row's country is then found by a binary search (a million rows walk
 * no table). */
#define COUNTRY_NAMES (sizeof(countries) / sizeof(countries[0]) * 4 + \
    sizeof(country_aliases) / sizeof(country_aliases[0]))

struct country_name {
	char folded[64];
	char code[3];
};

static struct country_name country_index[COUNTRY_NAMES];
static size_t country_index_count;
static pthread_once_t country_index_once = PTHREAD_ONCE_INIT;

static int
country_name_compare(const void *a, const void *b)
{
	return strcmp(((const struct country_name *)a)->folded, ((const struct country_name *)b)->folded);
}

static void
country_index_add(const char *name, const char code[3])
{
	struct country_name *entry = &country_index[country_index_count];

	if (fold(name, strlen(name), 0, entry->folded, sizeof(entry->folded)) == 0) {
		memcpy(entry->code, code, 3);
		country_index_count++;
	}
}

static void
country_index_build(void)
{
	size_t i;

	for (i = 0; i < sizeof(countries) / sizeof(countries[0]); i++) {
		country_index_add(countries[i].code, countries[i].code);
		country_index_add(countries[i].code3, countries[i].code);
		country_index_add(countries[i].french, countries[i].code);
		country_index_add(countries[i].english, countries[i].code);
	}
	for (i = 0; i < sizeof(country_aliases) / sizeof(country_aliases[0]); i++)
		country_index_add(country_aliases[i].name, country_aliases[i].code);
	qsort(country_index, country_index_count, sizeof(country_index[0]), country_name_compare);
}

/* The ISO code of a country cell into code (3 bytes), or -1. */
static int
country_find(struct cell cell, char code[3])
{
	struct country_name key;
	const struct country_name *found;
	int brackets;

	pthread_once(&country_index_once, country_index_build);
	for (brackets = 0; brackets <= 1; brackets++) {
		if (fold(cell.text, cell.len, brackets, key.folded, sizeof(key.folded)) < 0 ||
		    key.folded[0] == '\0')
			return -1;
		found = bsearch(&key, country_index, country_index_count, sizeof(country_index[0]),
		    country_name_compare);
		if (found != NULL) {
			memcpy(code, found->code, 3);
			return 0;
		}
	}
	return -1;
}

/* --- languages ------------------------------------------------------------ */

static const struct {
	const char *name;
	const char code[3];
} languages[] = {
	{ "fr", "fr" }, { "fra", "fr" }, { "fre", "fr" }, { "français", "fr" }, { "française", "fr" },
	{ "French", "fr" },
	{ "en", "en" }, { "eng", "en" }, { "anglais", "en" }, { "English", "en" },
};

/* The language of a cell ("fr", "FR", "fr_FR", "fr-BE", "français",
 * "English") into code, or -1. */
static int
language_find(struct cell cell, char code[3])
{
	char folded[FOLD_MAX];
	size_t i;

	/* a locale: two letters, then _ or - and a region */
	if (cell.len >= 4 && (cell.text[2] == '_' || cell.text[2] == '-'))
		cell.len = 2;
	if (fold(cell.text, cell.len, 1, folded, sizeof(folded)) < 0)
		return -1;
	for (i = 0; i < sizeof(languages) / sizeof(languages[0]); i++)
		if (fold_equal(folded, languages[i].name)) {
			memcpy(code, languages[i].code, 3);
			return 0;
		}
	return -1;
}

/* --- yes / no ------------------------------------------------------------- */

static const struct {
	const char *word;
	int value;
} yes_no[] = {
	{ "oui", 1 }, { "o", 1 }, { "yes", 1 }, { "y", 1 }, { "true", 1 }, { "vrai", 1 }, { "1", 1 },
	{ "x", 1 }, { "abonné", 1 }, { "abonnée", 1 }, { "inscrit", 1 }, { "inscrite", 1 },
	{ "subscribed", 1 }, { "accepted", 1 }, { "accepté", 1 }, { "opt-in", 1 }, { "opted in", 1 },
	{ "non", 0 }, { "n", 0 }, { "no", 0 }, { "false", 0 }, { "faux", 0 }, { "0", 0 },
	{ "non abonné", 0 }, { "non abonnée", 0 }, { "désabonné", 0 }, { "désabonnée", 0 },
	{ "non inscrit", 0 }, { "désinscrit", 0 }, { "unsubscribed", 0 }, { "not subscribed", 0 },
	{ "not_subscribed", 0 }, { "pending", 0 }, { "declined", 0 }, { "opt-out", 0 },
	{ "opted out", 0 },
};

/* 1 or 0 for a yes/no cell, or -1. */
static int
yes_no_find(struct cell cell)
{
	char folded[FOLD_MAX];
	size_t i;

	if (fold(cell.text, cell.len, 0, folded, sizeof(folded)) < 0 || folded[0] == '\0')
		return -1;
	for (i = 0; i < sizeof(yes_no) / sizeof(yes_no[0]); i++)
		if (fold_equal(folded, yes_no[i].word))
			return yes_no[i].value;
	return -1;
}

/* --- dates ---------------------------------------------------------------- */

static int
is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Writes a checked date and time as "YYYY-MM-DD HH:MM:SS". */
static void
date_write(char out[20], int year, int month, int day, int hour, int minute, int second)
{
	char text[80];

	snprintf(text, sizeof(text), "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute,
	    second);
	memcpy(out, text, 19);
	out[19] = '\0';
}

/* Reads digits at *p (min to max of them) into *value; returns 0 or -1. */
static int
read_number(const char **p, int min, int max, int *value)
{
	int n = 0;

	*value = 0;
	while (**p >= '0' && **p <= '9' && n < max) {
		*value = *value * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min && !(**p >= '0' && **p <= '9') ? 0 : -1;
}

/* An Excel serial day (1 is 1900-01-01; Excel counts a 29 February 1900
 * that never was, day 60, so later days are one off), with a fraction of
 * a day for the time. Only days from 1970 to 2099 are taken: a date of
 * signing up is in that range, and a smaller number in a date column is a
 * mistake ("2023" alone would be day 2023, in 1905), not a date. */
#define SERIAL_FIRST 25569	/* 1970-01-01 */
#define SERIAL_LAST 73050	/* 2099-12-31 */

static int
date_from_serial(const char *text, char out[20])
{
	char *end;
	double serial = strtod(text, &end);
	long days, seconds;
	int year, month, day;

	if (*end != '\0' || !(serial >= SERIAL_FIRST && serial < SERIAL_LAST + 1))
		return -1;
	days = (long)serial;
	seconds = (long)((serial - (double)days) * 86400 + 0.5);
	if (seconds >= 86400) {
		days++;
		seconds -= 86400;
	}
	if (days > SERIAL_LAST)
		return -1;
	format_civil_from_days(days - 25569, &year, &month, &day);
	date_write(out, year, month, day, (int)(seconds / 3600), (int)(seconds / 60 % 60),
	    (int)(seconds % 60));
	return 0;
}

/* Month names, French and English, whole and cut short, folded; and the
 * words a written date may carry around them (days of the week, "le",
 * "at", ordinals' endings). */
static const struct {
	const char *word;
	int month;	/* 1-12; 0: a word to skip; 13, 14: AM, PM */
} date_words[] = {
	{ "janvier", 1 }, { "janv", 1 }, { "january", 1 }, { "jan", 1 },
	{ "fevrier", 2 }, { "fevr", 2 }, { "fev", 2 }, { "february", 2 }, { "feb", 2 },
	{ "mars", 3 }, { "march", 3 }, { "mar", 3 },
	{ "avril", 4 }, { "avr", 4 }, { "april", 4 }, { "apr", 4 },
	{ "mai", 5 }, { "may", 5 },
	{ "juin", 6 }, { "june", 6 }, { "jun", 6 },
	{ "juillet", 7 }, { "juil", 7 }, { "july", 7 }, { "jul", 7 },
	{ "aout", 8 }, { "august", 8 }, { "aug", 8 },
	{ "septembre", 9 }, { "sept", 9 }, { "september", 9 }, { "sep", 9 },
	{ "octobre", 10 }, { "october", 10 }, { "oct", 10 },
	{ "novembre", 11 }, { "november", 11 }, { "nov", 11 },
	{ "decembre", 12 }, { "dec", 12 }, { "december", 12 },
	{ "lundi", 0 }, { "mardi", 0 }, { "mercredi", 0 }, { "jeudi", 0 }, { "vendredi", 0 },
	{ "samedi", 0 }, { "dimanche", 0 }, { "lun", 0 }, { "mer", 0 }, { "jeu", 0 }, { "ven", 0 },
	{ "sam", 0 }, { "dim", 0 }, { "monday", 0 }, { "tuesday", 0 }, { "wednesday", 0 },
	{ "thursday", 0 }, { "friday", 0 }, { "saturday", 0 }, { "sunday", 0 }, { "mon", 0 },
	{ "tue", 0 }, { "wed", 0 }, { "thu", 0 }, { "fri", 0 }, { "sat", 0 }, { "sun", 0 },
	{ "le", 0 }, { "a", 0 }, { "at", 0 }, { "er", 0 }, { "st", 0 }, { "nd", 0 }, { "rd", 0 },
	{ "th", 0 }, { "utc", 0 }, { "gmt", 0 },
	{ "am", 13 }, { "pm", 14 },
};

/* Whether c is an ASCII letter or a byte of a UTF-8 character. */
static int
is_letter_byte(unsigned char c)
{
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

/* A date written with its month's name: "4 mai 2023", "lundi 1er mai
 * 2023 à 10:11", "May 4, 2023", "04-May-2023", "Dec 31 2023 10:11 PM".
 * Writes "YYYY-MM-DD HH:MM:SS"; returns 0 or -1. */
static int
date_parse_words(const char *text, char out[20])
{
	const char *p = text;
	int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, meridiem = 0, timed = 0;

	while (*p != '\0') {
		unsigned char c = (unsigned char)*p;

		if (c >= '0' && c <= '9') {
			const char *start = p;
			int number;

			if (read_number(&p, 1, 4, &number) < 0)
				return -1;
			if (*p == ':' || *p == 'h') {
				if (timed++ || p - start > 2)
					return -1;
				hour = number;
				p++;
				if (read_number(&p, 2, 2, &minute) < 0)
					return -1;
				if (*p == ':') {
					p++;
					if (read_number(&p, 2, 2, &second) < 0)
						return -1;
				}
			} else if (p - start == 4 && year == 0)
				year = number;
			else if (p - start <= 2 && day == 0)
				day = number;
			else
				return -1;
		} else if (is_letter_byte(c)) {
			const char *start = p;
			char folded[16];
			size_t i;
			int found = -1;

			while (is_letter_byte((unsigned char)*p))
				p++;
			if (fold(start, (size_t)(p - start), 0, folded, sizeof(folded)) < 0)
				return -1;
			for (i = 0; i < sizeof(date_words) / sizeof(date_words[0]) && found < 0; i++)
				if (strcmp(folded, date_words[i].word) == 0)
					found = date_words[i].month;
			if (found < 0 || (found >= 1 && found <= 12 && month != 0))
				return -1;
			if (found >= 1 && found <= 12)
				month = found;
			else if (found > 12)
				meridiem = found;
		} else if (c == ' ' || c == ',' || c == '.' || c == '-' || c == '/')
			p++;
		else
			return -1;
	}
	if (meridiem != 0) {
		if (!timed || hour < 1 || hour > 12)
			return -1;
		hour = hour % 12 + (meridiem == 14 ? 12 : 0);
	}
	if (year < 1900 || month == 0 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
	    minute > 59 || second > 59)
		return -1;
	date_write(out, year, month, day, hour, minute, second);
	return 0;
}

/* A date as people and programs write it: 31/12/2023, 31-12-2023,
 * 31.12.2023, 31/12/23 (Excel's century), 2023-12-31, 2023/12/31, a time after it (10:11, 10:11:12,
 * T10:11:12.345, a zone that is dropped: Z, +02:00, -0400, UTC), 12/31/2023
 * only when the day cannot be a month, an Excel serial day, or a month
 * written in words (date_parse_words). Writes
 * "YYYY-MM-DD HH:MM:SS"; returns 0 or -1. */
static int
date_parse(struct cell cell, char out[20])
{
	char text[64];
	const char *p = text;
	int a, b, c, year, month, day, hour = 0, minute = 0, second = 0;
	char separator;

	if (cell_copy(cell, text, sizeof(text)) < 0)
		return -1;
	if (strspn(text, "0123456789.,") == cell.len && (strpbrk(text, ".,") == NULL ||
	    strpbrk(strpbrk(text, ".,") + 1, ".,") == NULL)) {
		char *comma = strchr(text, ',');

		if (comma != NULL)
			*comma = '.';
		return date_from_serial(text, out);
	}
	if (read_number(&p, 1, 4, &a) < 0 || (*p != '/' && *p != '-' && *p != '.') ||
	    !(p[1] >= '0' && p[1] <= '9'))
		return date_parse_words(text, out);
	separator = *p++;
	if (p - text == 5) {	/* 2023-12-31 */
		year = a;
		if (read_number(&p, 1, 2, &month) < 0 || *p++ != separator || read_number(&p, 1, 2, &day) < 0)
			return -1;
	} else {
		const char *year_start;

		if (read_number(&p, 1, 2, &b) < 0 || *p++ != separator)
			return -1;
		year_start = p;
		if (read_number(&p, 2, 4, &c) < 0 || p - year_start == 3)
			return -1;
		/* 31/12/23: the year Excel reads there (00-29 this century,
		 * 30-99 the last), which is what the organiser's sheet showed */
		year = p - year_start == 2 ? c + (c < 30 ? 2000 : 1900) : c;
		if (a > 12 || b <= 12) {	/* 31/12/2023, and 01/02/2023 read the French way */
			day = a;
			month = b;
		} else {			/* 12/31/2023 */
			month = a;
			day = b;
		}
	}
	if (*p == ' ' || *p == 'T') {
		while (*p == ' ')
			p++;
		if (*p == 'T')
			p++;
		if (*p != '\0') {
			if (read_number(&p, 1, 2, &hour) < 0 || *p++ != ':' || read_number(&p, 2, 2, &minute) < 0)
				return -1;
			if (*p == ':') {
				p++;
				if (read_number(&p, 2, 2, &second) < 0)
					return -1;
				if (*p == '.' || *p == ',')
					for (p++; *p >= '0' && *p <= '9'; p++)
						;
			}
			while (*p == ' ')
				p++;
			if (*p == 'Z' || strcmp(p, "UTC") == 0 || strcmp(p, "GMT") == 0)
				p += *p == 'Z' ? 1 : 3;
			else if (*p == '+' || *p == '-') {
				int zone;

				p++;
				if (read_number(&p, 2, 4, &zone) < 0)
					return -1;
				if (*p == ':') {
					p++;
					if (read_number(&p, 2, 2, &zone) < 0)
						return -1;
				}
			}
		}
	}
	if (*p != '\0' || year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59)
		return -1;
	date_write(out, year, month, day, hour, minute, second);
	return 0;
}

/* --- numbers -------------------------------------------------------------- */

/* Copies the digits and separators of a number into out, dropping the
 * spaces, no-break spaces and apostrophes that group thousands (1 234,
 * 1'234); returns 0, or -1 for anything else or a space not between digits. */
static int
number_clean(struct cell cell, char *out, size_t size)
{
	size_t i = 0, n = 0, space;

	while (i < cell.len) {
		char c = cell.text[i];

		if ((space = space_at(cell.text + i, cell.len - i)) > 0 || c == '\'' ||
		    (cell.len - i >= 3 && memcmp(cell.text + i, "\xe2\x80\x99", 3) == 0)) {
			size_t skip = space > 0 ? space : c == '\'' ? 1 : 3;

			if (n == 0 || !(out[n - 1] >= '0' && out[n - 1] <= '9') || i + skip >= cell.len ||
			    !(cell.text[i + skip] >= '0' && cell.text[i + skip] <= '9'))
				return -1;
			i += skip;
			continue;
		}
		if (!((c >= '0' && c <= '9') || c == '.' || c == ','))
			return -1;
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
		i++;
	}
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* A count: a whole number, 0 to 4294967295 (the customer's column). */
static int
count_parse(struct cell cell, long long *out)
{
	char digits[32];

	if (number_clean(cell, digits, sizeof(digits)) < 0 || strspn(digits, "0123456789") != strlen(digits) ||
	    strlen(digits) > 10)
		return -1;
	*out = strtoll(digits, NULL, 10);
	return *out <= 4294967295LL ? 0 : -1;
}

/* Whether digits grouped by separator are 1 to 3 digits, not starting
 * with 0, then groups of three ("1.234.567", not "0,125" nor "1234,567"). */
static int
grouped(const char *digits, char separator)
{
	const char *p = strchr(digits, separator);

	if (p == NULL || p == digits || p - digits > 3 || digits[0] == '0' ||
	    strspn(digits, "0123456789") != (size_t)(p - digits))
		return 0;
	while (p != NULL) {
		const char *next = strchr(p + 1, separator);
		size_t len = next != NULL ? (size_t)(next - p - 1) : strlen(p + 1);

		if (len != 3 || strspn(p + 1, "0123456789") < 3)
			return 0;
		p = next;
	}
	return 1;
}

/* An amount of money in cents: "1 234,56 €", "1234.56", "€12", "12,5",
 * "1.234,56", "1,234.56", "CHF 12". The last of two kinds of separator is
 * the decimal one; one kind alone is decimal when one or two digits follow
 * it once, thousands when groups of three follow. Negative amounts and
 * anything else are refused. */
static int
money_parse(struct cell cell, long long *cents)
{
	static const char *const currencies[] = { "\xe2\x82\xac", "EUR", "$", "USD", "\xc2\xa3", "GBP",
	    "CHF" };
	char digits[32], *decimal = NULL;
	char *dot, *comma;
	size_t i, len;
	long long whole = 0;
	int fraction = 0;

	for (i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++) {
		len = strlen(currencies[i]);
		if (cell.len > len && memcmp(cell.text, currencies[i], len) == 0)
			cell = cell_trim(cell.text + len, cell.len - len);
		else if (cell.len > len && memcmp(cell.text + cell.len - len, currencies[i], len) == 0)
			cell = cell_trim(cell.text, cell.len - len);
		else
			continue;
		break;
	}
	if (number_clean(cell, digits, sizeof(digits)) < 0)
		return -1;
	dot = strrchr(digits, '.');
	comma = strrchr(digits, ',');
	if (dot != NULL && comma != NULL) {
		char grouping = dot > comma ? ',' : '.';

		decimal = dot > comma ? dot : comma;
		*decimal = '\0';
		if (strchr(decimal + 1, grouping) != NULL || !grouped(digits, grouping))
			return -1;
	} else if (dot != NULL || comma != NULL) {
		char separator = dot != NULL ? '.' : ',';
		char *last = dot != NULL ? dot : comma;
		size_t after = strlen(last + 1);

		if (strchr(digits, separator) == last && after >= 1 && after <= 2) {
			decimal = last;
			*decimal = '\0';
		} else if (!grouped(digits, separator))
			return -1;
	}
	for (i = 0; digits[i] != '\0'; i++) {
		if (digits[i] == '.' || digits[i] == ',')
			continue;
		if (whole > 99999999999999LL)
			return -1;
		whole = whole * 10 + (digits[i] - '0');
	}
	if (i == 0)
		return -1;
	if (decimal != NULL) {
		const char *f = decimal + 1;

		if (strlen(f) < 1 || strlen(f) > 2 || strspn(f, "0123456789") != strlen(f))
			return -1;
		fraction = (f[0] - '0') * 10 + (f[1] != '\0' ? f[1] - '0' : 0);
	}
	*cents = whole * 100 + fraction;
	return 0;
}

/* ------------------------------------------------------------------------
 * Rows
 */

int
import_is_header(const struct sheet_row *row)
{
	int column, names = 0;

	for (column = 0; column < row->count; column++) {
		const char *field = row->fields[column];
		char address[IMPORT_EMAIL_MAX + 1];
		struct cell cell = cell_trim(field, strlen(field));

		if (cell_copy(cell, address, sizeof(address)) == 0 && address[0] != '\0' &&
		    text_email_check(address) == TEXT_EMAIL_OK)
			return 0;
		if (import_guess(field) != IMPORT_IGNORE)
			names = 1;
	}
	return names;
}

/* Keeps the first reason in import_reason order. Returns 1 when found is
 * the one kept now. */
static int
reason_keep(enum import_reason *reason, enum import_reason found)
{
	if (found != IMPORT_OK && (*reason == IMPORT_OK || found < *reason)) {
		*reason = found;
		return 1;
	}
	return 0;
}

/* reason_keep, for a cell of column: out->reason_column names it. */
static void
reason_keep_at(enum import_reason *reason, enum import_reason found, int column,
    struct import_record *out)
{
	if (reason_keep(reason, found))
		out->reason_column = column;
}

/* A phone as written; Shopify's apostrophe that keeps Excel from reading
 * "+33…" as a formula is taken off. */
static enum import_reason
phone_take(struct cell cell, char *out, size_t size)
{
	if (cell.len >= 2 && cell.text[0] == '\'' && (cell.text[1] == '+' || (cell.text[1] >= '0' &&
	    cell.text[1] <= '9'))) {
		cell.text++;
		cell.len--;
	}
	if (cell.len >= size)
		return IMPORT_TOO_LONG;
	return text_take(cell, out, size, size - 1, 0);
}

/* The address in a cell written as a mail program copies it: "Élodie
 * Martin <e.martin@example.fr>", "mailto:e.martin@example.fr". */
static struct cell
email_bare(struct cell cell)
{
	if (cell.len > 2 && cell.text[cell.len - 1] == '>') {
		size_t open = cell.len - 1;

		while (open > 0 && cell.text[open - 1] != '<')
			open--;
		if (open > 0)
			cell = cell_trim(cell.text + open, cell.len - 1 - open);
	}
	if (cell.len > 7 && strncasecmp(cell.text, "mailto:", 7) == 0)
		cell = cell_trim(cell.text + 7, cell.len - 7);
	return cell;
}

/* Reads one non-empty cell of field into out; the derived fields
 * (full name, mobile, address line 2) are left to the caller. */
static enum import_reason
field_read(enum import_field field, struct cell cell, struct import_record *out)
{
	enum import_reason reason = IMPORT_OK;
	int value;

	switch (field) {
	case IMPORT_EMAIL:
		cell = email_bare(cell);
		if (cell.len > IMPORT_EMAIL_MAX || cell_copy(cell, out->email, sizeof(out->email)) < 0 ||
		    text_email_check(out->email) != TEXT_EMAIL_OK)
			return IMPORT_BAD_EMAIL;
		break;
	case IMPORT_FIRST_NAME:
		reason = text_take(cell, out->first_name, sizeof(out->first_name), 100, 0);
		break;
	case IMPORT_LAST_NAME:
		reason = text_take(cell, out->last_name, sizeof(out->last_name), 100, 0);
		break;
	case IMPORT_PHONE:
		reason = phone_take(cell, out->phone, sizeof(out->phone));
		break;
	case IMPORT_COMPANY:
		reason = text_take(cell, out->company, sizeof(out->company), 100, 0);
		break;
	case IMPORT_ADDRESS:
		reason = text_take(cell, out->address, sizeof(out->address), 255, 0);
		break;
	case IMPORT_POSTAL_CODE:
		if (cell.len >= 2 && cell.text[0] == '\'') {
			cell.text++;
			cell.len--;
		}
		reason = text_take(cell, out->postal_code, sizeof(out->postal_code), 20, 0);
		break;
	case IMPORT_CITY:
		reason = text_take(cell, out->city, sizeof(out->city), 100, 0);
		break;
	case IMPORT_COUNTRY:
		if (country_find(cell, out->country) < 0)
			return IMPORT_BAD_COUNTRY;
		break;
	case IMPORT_LANGUAGE:
		if (language_find(cell, out->language) < 0)
			return IMPORT_BAD_LANGUAGE;
		break;
	case IMPORT_VAT_NUMBER:
		reason = cell.len > IMPORT_VAT_MAX ? IMPORT_TOO_LONG :
		    text_take(cell, out->vat_number, sizeof(out->vat_number), IMPORT_VAT_MAX, 0);
		break;
	case IMPORT_TAX_EXEMPT:
	case IMPORT_MARKETING:
		if ((value = yes_no_find(cell)) < 0)
			return IMPORT_BAD_YES_NO;
		*(field == IMPORT_MARKETING ? &out->marketing : &out->tax_exempt) = value;
		break;
	case IMPORT_SIGNUP_DATE:
		if (date_parse(cell, out->signup_date) < 0)
			return IMPORT_BAD_DATE;
		break;
	case IMPORT_NOTE:
		reason = text_take(cell, out->note, sizeof(out->note), 10000, 1);
		break;
	case IMPORT_ORDER_COUNT:
		if (count_parse(cell, &out->order_count) < 0)
			return IMPORT_BAD_NUMBER;
		break;
	case IMPORT_TOTAL_SPENT:
		if (money_parse(cell, &out->total_spent_cents) < 0)
			return IMPORT_BAD_NUMBER;
		break;
	case IMPORT_PASSWORD:
		out->has_password = 1;
		break;
	case IMPORT_TAGS:
	case IMPORT_GROUPS:
	case IMPORT_IGNORE:
	case IMPORT_FULL_NAME:
	case IMPORT_MOBILE:
	case IMPORT_ADDRESS2:
	case IMPORT_FIELD__MAX:
		break;
	}
	return reason;
}

/* Empties a record: every text "", every number 0, no field given. The
 * text buffers are not wiped (44 KiB, a fifth of a row's time). */
static void
record_clear(struct import_record *out)
{
	out->email[0] = out->first_name[0] = out->last_name[0] = out->phone[0] = '\0';
	out->company[0] = out->address[0] = out->postal_code[0] = out->city[0] = '\0';
	out->country[0] = out->language[0] = out->vat_number[0] = out->signup_date[0] = '\0';
	out->note[0] = '\0';
	out->tax_exempt = out->marketing = out->has_password = 0;
	out->order_count = out->total_spent_cents = 0;
	out->reason_column = -1;
	memset(out->has, 0, sizeof(out->has));
}

enum import_reason
import_record_read(const struct sheet_row *row, const enum import_field *map, int count,
    struct import_record *out)
{
	struct cell full_name = { "", 0 }, mobile = { "", 0 }, address2 = { "", 0 };
	enum import_reason reason = IMPORT_OK;
	int column, full_name_column = -1, mobile_column = -1, address2_column = -1;

	record_clear(out);
	if (row->flags & SHEET_ROW_BAD_TEXT)
		return IMPORT_BAD_TEXT;
	if (row->flags & SHEET_ROW_TOO_MANY_COLUMNS)
		return IMPORT_TOO_MANY_COLUMNS;
	if (row->flags & SHEET_ROW_FIELD_TOO_LONG)
		reason = IMPORT_TOO_LONG;
	for (column = 0; column < count && column < row->count; column++) {
		enum import_field field = map[column];
		struct cell cell;

		if ((int)field <= IMPORT_IGNORE || field >= IMPORT_FIELD__MAX)
			continue;
		cell = cell_formula_unquoted(cell_trim(row->fields[column], row->lengths[column]));
		if (cell.len == 0 || cell_is_placeholder(cell))
			continue;
		out->has[field] = 1;
		if (field == IMPORT_FULL_NAME)
			full_name = cell, full_name_column = column;
		else if (field == IMPORT_MOBILE)
			mobile = cell, mobile_column = column;
		else if (field == IMPORT_ADDRESS2)
			address2 = cell, address2_column = column;
		else
			reason_keep_at(&reason, field_read(field, cell, out), column, out);
	}
	if (!out->has[IMPORT_EMAIL] && reason_keep(&reason, IMPORT_NO_EMAIL))
		out->reason_column = -1;
	if (full_name.len > 0 && !out->has[IMPORT_FIRST_NAME] && !out->has[IMPORT_LAST_NAME])
		reason_keep_at(&reason, name_split(full_name, out), full_name_column, out);
	if (mobile.len > 0 && !out->has[IMPORT_PHONE]) {
		reason_keep_at(&reason, phone_take(mobile, out->phone, sizeof(out->phone)),
		    mobile_column, out);
		out->has[IMPORT_PHONE] = 1;
	}
	if (address2.len > 0) {
		char line[IMPORT_ADDRESS_MAX + 1];
		size_t used = strlen(out->address), separator = used > 0 ? 2 : 0;
		enum import_reason found = text_take(address2, line, sizeof(line), 255, 0);

		if (found == IMPORT_OK && used + separator + strlen(line) < sizeof(out->address)) {
			memcpy(out->address + used, ", ", separator);
			memcpy(out->address + used + separator, line, strlen(line) + 1);
			if (text_length(out->address) > 255)
				found = IMPORT_TOO_LONG;
		} else if (found == IMPORT_OK)
			found = IMPORT_TOO_LONG;
		reason_keep_at(&reason, found, address2_column, out);
		out->has[IMPORT_ADDRESS] = 1;
	}
	/* a French postal code that a spreadsheet read as a number lost its
	 * leading zero (01000 Bourg-en-Bresse saved as 1000): four digits in
	 * France are such a code (Belgium's, Switzerland's are four digits:
	 * only a row that says France) */
	if (strcmp(out->country, "FR") == 0 && strlen(out->postal_code) == 4 &&
	    strspn(out->postal_code, "0123456789") == 4) {
		memmove(out->postal_code + 1, out->postal_code, 5);
		out->postal_code[0] = '0';
	}
	return reason;
}

/* ------------------------------------------------------------------------
 * The mapping's text
 */

int
import_mapping_write(const enum import_field *map, int count, char *out, size_t size)
{
	size_t used = 0;
	int column;

	if (size == 0)
		return -1;
	out[0] = '\0';
	for (column = 0; column < count; column++) {
		const char *name = (int)map[column] >= 0 && map[column] < IMPORT_FIELD__MAX ?
		    import_field_names[map[column]] : NULL;
		int written;

		if (name == NULL)
			return -1;
		written = snprintf(out + used, size - used, "%s%s", column > 0 ? "," : "", name);
		if (written < 0 || (size_t)written >= size - used)
			return -1;
		used += (size_t)written;
	}
	return 0;
}

int
import_mapping_read(const char *text, enum import_field *map, int max)
{
	int taken[IMPORT_FIELD__MAX] = { 0 };
	int count = 0;
	const char *p = text;

	if (text[0] == '\0')
		return 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		char name[32];
		enum import_field field;

		if (len >= sizeof(name) || count >= max)
			return -1;
		memcpy(name, p, len);
		name[len] = '\0';
		field = import_field_find(name);
		if (field == IMPORT_FIELD__MAX || (field != IMPORT_IGNORE && taken[field]))
			return -1;
		taken[field] = 1;
		map[count++] = field;
		if (comma == NULL)
			return count;
		p = comma + 1;
	}
}
