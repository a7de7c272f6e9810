/*
 * Unit tests for fcgi/import-map.c: which field a header names, what the
 * exports of Shopify, Squarespace, PrestaShop, MyCOMMERCE, Cagette and
 * Fidèle map to, how a whole name splits, what each kind of value accepts,
 * normalises and refuses, which reason a bad row gets, and the mapping's
 * text. Rows are built by hand as the file reader gives them.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fcgi/import-map.h"
#include "tap.h"

#define N(array) (sizeof(array) / sizeof((array)[0]))

static struct import_record record;

/* Reads the cells (count of them) through map into record. */
static enum import_reason
read_cells(const char *const *cells, int count, const enum import_field *map, int map_count,
    unsigned flags)
{
	size_t lengths[64];
	struct sheet_row row = { 2, 1, count, cells, lengths, flags };
	int i;

	for (i = 0; i < count; i++)
		lengths[i] = strlen(cells[i]);
	return import_record_read(&row, map, map_count, &record);
}

/* Reads one value of field beside a good address. */
static enum import_reason
read_value(enum import_field field, const char *value)
{
	const char *cells[] = { "elodie@example.fr", value };
	const enum import_field map[] = { IMPORT_EMAIL, field };

	return read_cells(cells, 2, map, 2, 0);
}

/* What record holds for field, as text ("" for no value). */
static const char *
record_value(enum import_field field, char *buf, size_t size)
{
	if (!record.has[field])
		return "";
	switch (field) {
	case IMPORT_EMAIL: return record.email;
	case IMPORT_FIRST_NAME: return record.first_name;
	case IMPORT_LAST_NAME: return record.last_name;
	case IMPORT_PHONE: case IMPORT_MOBILE: return record.phone;
	case IMPORT_COMPANY: return record.company;
	case IMPORT_ADDRESS: case IMPORT_ADDRESS2: return record.address;
	case IMPORT_POSTAL_CODE: return record.postal_code;
	case IMPORT_CITY: return record.city;
	case IMPORT_COUNTRY: return record.country;
	case IMPORT_LANGUAGE: return record.language;
	case IMPORT_VAT_NUMBER: return record.vat_number;
	case IMPORT_SIGNUP_DATE: return record.signup_date;
	case IMPORT_NOTE: return record.note;
	case IMPORT_TAX_EXEMPT: snprintf(buf, size, "%d", record.tax_exempt); return buf;
	case IMPORT_MARKETING: snprintf(buf, size, "%d", record.marketing); return buf;
	case IMPORT_ORDER_COUNT: snprintf(buf, size, "%lld", record.order_count); return buf;
	case IMPORT_TOTAL_SPENT: snprintf(buf, size, "%lld", record.total_spent_cents); return buf;
	case IMPORT_PASSWORD: snprintf(buf, size, "%d", record.has_password); return buf;
	default: return "set";
	}
}

static void
test_synonyms(void)
{
	static const struct {
		const char *header;
		enum import_field field;
	} cases[] = {
		/* French, as the brief and shop spreadsheets write them */
		{ "Nom", IMPORT_LAST_NAME },
		{ "Prénom", IMPORT_FIRST_NAME },
		{ "Nom de famille", IMPORT_LAST_NAME },
		{ "Nom complet", IMPORT_FULL_NAME },
		{ "Nom et prénom", IMPORT_FULL_NAME },
		{ "E-mail", IMPORT_EMAIL },
		{ "Email", IMPORT_EMAIL },
		{ "Courriel", IMPORT_EMAIL },
		{ "Adresse e-mail", IMPORT_EMAIL },
		{ "Adresse email", IMPORT_EMAIL },
		{ "Mail", IMPORT_EMAIL },
		{ "Téléphone", IMPORT_PHONE },
		{ "Tél", IMPORT_PHONE },
		{ "Tél.", IMPORT_PHONE },
		{ "Portable", IMPORT_MOBILE },
		{ "Mobile", IMPORT_MOBILE },
		{ "GSM", IMPORT_MOBILE },
		{ "Adresse", IMPORT_ADDRESS },
		{ "Adresse 1", IMPORT_ADDRESS },
		{ "Adresse 2", IMPORT_ADDRESS2 },
		{ "Rue", IMPORT_ADDRESS },
		{ "Code postal", IMPORT_POSTAL_CODE },
		{ "CP", IMPORT_POSTAL_CODE },
		{ "Ville", IMPORT_CITY },
		{ "Commune", IMPORT_CITY },
		{ "Pays", IMPORT_COUNTRY },
		{ "Langue", IMPORT_LANGUAGE },
		{ "Société", IMPORT_COMPANY },
		{ "Entreprise", IMPORT_COMPANY },
		{ "Raison sociale", IMPORT_COMPANY },
		{ "N° TVA", IMPORT_VAT_NUMBER },
		{ "N° de TVA", IMPORT_VAT_NUMBER },
		{ "Numéro de TVA", IMPORT_VAT_NUMBER },
		{ "TVA intracommunautaire", IMPORT_VAT_NUMBER },
		{ "Exonéré de TVA", IMPORT_TAX_EXEMPT },
		{ "Tags", IMPORT_TAGS },
		{ "Étiquettes", IMPORT_TAGS },
		{ "Groupe", IMPORT_GROUPS },
		{ "Groupes", IMPORT_GROUPS },
		{ "Groupe(s)", IMPORT_GROUPS },
		{ "Date d'inscription", IMPORT_SIGNUP_DATE },
		{ "Inscrit le", IMPORT_SIGNUP_DATE },
		{ "Client depuis", IMPORT_SIGNUP_DATE },
		{ "Date de création", IMPORT_SIGNUP_DATE },
		{ "Date inscription", IMPORT_SIGNUP_DATE },
		{ "Date d'adhésion", IMPORT_SIGNUP_DATE },
		{ "Newsletter (oui/non)", IMPORT_MARKETING },
		{ "Téléphone 1", IMPORT_PHONE },
		{ "Téléphone 2", IMPORT_MOBILE },
		{ "Abonné newsletter", IMPORT_MARKETING },
		{ "Newsletter", IMPORT_MARKETING },
		{ "Accepte les e-mails marketing", IMPORT_MARKETING },
		{ "Notes", IMPORT_NOTE },
		{ "Remarques", IMPORT_NOTE },
		{ "Commentaire", IMPORT_NOTE },
		{ "Mot de passe", IMPORT_PASSWORD },
		{ "Nombre de commandes", IMPORT_ORDER_COUNT },
		{ "Total dépensé", IMPORT_TOTAL_SPENT },
		/* English */
		{ "First name", IMPORT_FIRST_NAME },
		{ "Last name", IMPORT_LAST_NAME },
		{ "Surname", IMPORT_LAST_NAME },
		{ "Name", IMPORT_FULL_NAME },
		{ "Full name", IMPORT_FULL_NAME },
		{ "Email address", IMPORT_EMAIL },
		{ "E-mail address", IMPORT_EMAIL },
		{ "Phone", IMPORT_PHONE },
		{ "Phone number", IMPORT_PHONE },
		{ "Mobile phone", IMPORT_MOBILE },
		{ "Company", IMPORT_COMPANY },
		{ "Address", IMPORT_ADDRESS },
		{ "Address 1", IMPORT_ADDRESS },
		{ "Address line 2", IMPORT_ADDRESS2 },
		{ "Postal code", IMPORT_POSTAL_CODE },
		{ "Postcode", IMPORT_POSTAL_CODE },
		{ "Zip", IMPORT_POSTAL_CODE },
		{ "City", IMPORT_CITY },
		{ "Country", IMPORT_COUNTRY },
		{ "Language", IMPORT_LANGUAGE },
		{ "VAT number", IMPORT_VAT_NUMBER },
		{ "Tax exempt", IMPORT_TAX_EXEMPT },
		{ "Groups", IMPORT_GROUPS },
		{ "Signup date", IMPORT_SIGNUP_DATE },
		{ "Created at", IMPORT_SIGNUP_DATE },
		{ "Customer since", IMPORT_SIGNUP_DATE },
		{ "Accepts marketing", IMPORT_MARKETING },
		{ "Note", IMPORT_NOTE },
		{ "Password", IMPORT_PASSWORD },
		{ "Orders", IMPORT_ORDER_COUNT },
		{ "Total spent", IMPORT_TOTAL_SPENT },
		/* case, accents, punctuation, spaces and underscores folded */
		{ "PRENOM", IMPORT_FIRST_NAME },
		{ "prenom", IMPORT_FIRST_NAME },
		{ "first_name", IMPORT_FIRST_NAME },
		{ "FirstName", IMPORT_FIRST_NAME },
		{ "E_MAIL", IMPORT_EMAIL },
		{ "  e-mail  ", IMPORT_EMAIL },
		{ "Adresse E-Mail", IMPORT_EMAIL },
		{ "code_postal", IMPORT_POSTAL_CODE },
		{ "CODE POSTAL", IMPORT_POSTAL_CODE },
		{ "n° tva", IMPORT_VAT_NUMBER },
		{ "Date d\xe2\x80\x99inscription", IMPORT_SIGNUP_DATE },
		{ "E-mail (obligatoire)", IMPORT_EMAIL },
		{ "Téléphone *", IMPORT_PHONE },
		/* headers that name nothing we keep */
		{ "ID", IMPORT_IGNORE },
		{ "Titre", IMPORT_IGNORE },
		{ "Dernière visite", IMPORT_IGNORE },
		{ "Province Code", IMPORT_IGNORE },
		{ "Statut", IMPORT_IGNORE },
		{ "Panier moyen", IMPORT_IGNORE },
		{ "firstName2", IMPORT_IGNORE },
		{ "", IMPORT_IGNORE },
		{ "()", IMPORT_IGNORE },
		{ "\xf0\x9f\x93\xa7", IMPORT_IGNORE },
	};
	char name[160];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		enum import_field got = import_guess(cases[i].header);

		snprintf(name, sizeof(name), "header '%s' is %s", cases[i].header,
		    import_field_names[cases[i].field]);
		ok(got == cases[i].field, name);
		if (got != cases[i].field)
			printf("#   got %s\n", import_field_names[got]);
	}
	ok(import_guess(NULL) == IMPORT_IGNORE, "no header is ignored");
}

/* One export's header row and what each column becomes. */
struct format {
	const char *name;
	const char *headers[40];
	enum import_field fields[40];
	int count;
};

#define I IMPORT_IGNORE

static const struct format formats[] = {
	{ "Shopify (customers, 2024)",
	  { "Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
	    "Default Address Company", "Default Address Address1", "Default Address Address2",
	    "Default Address City", "Default Address Province Code", "Default Address Country Code",
	    "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
	    "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags" },
	  { I, IMPORT_FIRST_NAME, IMPORT_LAST_NAME, IMPORT_EMAIL, IMPORT_MARKETING,
	    IMPORT_COMPANY, IMPORT_ADDRESS, IMPORT_ADDRESS2,
	    IMPORT_CITY, I, IMPORT_COUNTRY,
	    IMPORT_POSTAL_CODE, IMPORT_MOBILE, IMPORT_PHONE, I,
	    IMPORT_TOTAL_SPENT, IMPORT_ORDER_COUNT, IMPORT_NOTE, IMPORT_TAX_EXEMPT, IMPORT_TAGS }, 20 },
	{ "Shopify (customers, before 2024)",
	  { "First Name", "Last Name", "Email", "Company", "Address1", "Address2", "City", "Province",
	    "Province Code", "Country", "Country Code", "Zip", "Phone", "Accepts Marketing",
	    "Total Spent", "Total Orders", "Tags", "Note", "Tax Exempt" },
	  { IMPORT_FIRST_NAME, IMPORT_LAST_NAME, IMPORT_EMAIL, IMPORT_COMPANY, IMPORT_ADDRESS,
	    IMPORT_ADDRESS2, IMPORT_CITY, I,
	    I, IMPORT_COUNTRY, I, IMPORT_POSTAL_CODE, IMPORT_PHONE, IMPORT_MARKETING,
	    IMPORT_TOTAL_SPENT, IMPORT_ORDER_COUNT, IMPORT_TAGS, IMPORT_NOTE, IMPORT_TAX_EXEMPT }, 19 },
	{ "Squarespace (contacts)",
	  { "Email", "First Name", "Last Name", "Created On", "Order Count", "Last Order Date",
	    "Total Spent", "Member Since", "Subscriber Since", "Subscriber Source", "Tags",
	    "Mailing Lists", "Member Areas", "Donation Count", "Last Donation Date",
	    "Total Donation Amount", "Has Account", "Customer Since", "Shipping Name",
	    "Shipping Address 1", "Shipping Address 2", "Shipping City", "Shipping Zip",
	    "Shipping Province/State", "Shipping Country", "Shipping Phone Number", "Billing Name",
	    "Billing Address 1", "Billing Address 2", "Billing City", "Billing Zip",
	    "Billing Province/State", "Billing Country", "Billing Phone Number", "Accepts Marketing" },
	  { IMPORT_EMAIL, IMPORT_FIRST_NAME, IMPORT_LAST_NAME, IMPORT_SIGNUP_DATE, IMPORT_ORDER_COUNT, I,
	    IMPORT_TOTAL_SPENT, I, I, I, IMPORT_TAGS,
	    I, I, I, I,
	    I, I, I, I,
	    IMPORT_ADDRESS, IMPORT_ADDRESS2, IMPORT_CITY, IMPORT_POSTAL_CODE,
	    I, IMPORT_COUNTRY, IMPORT_PHONE, I,
	    I, I, I, I,
	    I, I, IMPORT_MOBILE, IMPORT_MARKETING }, 35 },
	{ "PrestaShop (customers, French)",
	  { "ID", "Titre", "Prénom", "Nom", "E-mail", "Ventes", "Activé", "Newsletter", "Partenaires",
	    "Date d'inscription", "Dernière visite" },
	  { I, I, IMPORT_FIRST_NAME, IMPORT_LAST_NAME, IMPORT_EMAIL, IMPORT_TOTAL_SPENT, I,
	    IMPORT_MARKETING, I, IMPORT_SIGNUP_DATE, I }, 11 },
	{ "PrestaShop (customers, English)",
	  { "ID", "Social title", "First name", "Last name", "Email", "Sales", "Enabled", "Newsletter",
	    "Partner offers", "Registration", "Last visit" },
	  { I, I, IMPORT_FIRST_NAME, IMPORT_LAST_NAME, IMPORT_EMAIL, IMPORT_TOTAL_SPENT, I,
	    IMPORT_MARKETING, I, IMPORT_SIGNUP_DATE, I }, 11 },
	{ "MyCOMMERCE",
	  { "Nom", "E-mail", "Mot de passe" },
	  { IMPORT_FULL_NAME, IMPORT_EMAIL, IMPORT_PASSWORD }, 3 },
	{ "Cagette (members)",
	  { "firstName", "lastName", "email", "phone", "firstName2", "lastName2", "email2", "phone2",
	    "address1", "address2", "zipCode", "city" },
	  { IMPORT_FIRST_NAME, IMPORT_LAST_NAME, IMPORT_EMAIL, IMPORT_PHONE, I, I, I, I,
	    IMPORT_ADDRESS, IMPORT_ADDRESS2, IMPORT_POSTAL_CODE, IMPORT_CITY }, 12 },
	{ "a pasted list (sheet_paste_write's headers, lang/en.hdf's Import.Start.Paste*)",
	  { "Name", "E-mail" },
	  { IMPORT_FULL_NAME, IMPORT_EMAIL }, 2 },
	{ "a pasted list in French (lang/fr.hdf's Import.Start.Paste*)",
	  { "Nom complet", "Adresse e-mail" },
	  { IMPORT_FULL_NAME, IMPORT_EMAIL }, 2 },
	{ "a market's sheet saved in French",
	  { "NOM", "PRENOM", "Adresse mail", "Tél portable", "CP", "Ville", "Abonné", "Remarques" },
	  { IMPORT_LAST_NAME, IMPORT_FIRST_NAME, IMPORT_EMAIL, IMPORT_MOBILE, IMPORT_POSTAL_CODE,
	    IMPORT_CITY, IMPORT_MARKETING, IMPORT_NOTE }, 8 },
};

#undef I

static void
test_formats(void)
{
	enum import_field map[40];
	const char *headers[IMPORT_EXPORT_COLUMNS];
	char name[160];
	size_t i;
	int column, language;

	for (i = 0; i < N(formats); i++) {
		int has_email = import_guess_columns(formats[i].headers, formats[i].count, map), same = 1;

		for (column = 0; column < formats[i].count; column++)
			if (map[column] != formats[i].fields[column]) {
				printf("#   %s: column '%s' is %s, want %s\n", formats[i].name,
				    formats[i].headers[column], import_field_names[map[column]],
				    import_field_names[formats[i].fields[column]]);
				same = 0;
			}
		snprintf(name, sizeof(name), "%s: every column mapped as expected", formats[i].name);
		ok(same, name);
		snprintf(name, sizeof(name), "%s: the e-mail column is found", formats[i].name);
		ok(has_email == 1, name);
	}

	/* Fidèle's own export, in both languages, comes back as what it wrote */
	for (language = 0; language < 2; language++) {
		int same = 1;

		for (column = 0; column < IMPORT_EXPORT_COLUMNS; column++)
			headers[column] = language == 0 ? import_export_columns[column].header_fr :
			    import_export_columns[column].header_en;
		ok(import_guess_columns(headers, IMPORT_EXPORT_COLUMNS, map) == 1,
		    language == 0 ? "Fidèle's export (French): the e-mail column is found" :
		    "Fidèle's export (English): the e-mail column is found");
		for (column = 0; column < IMPORT_EXPORT_COLUMNS; column++)
			if (map[column] != import_export_columns[column].field) {
				printf("#   '%s' is %s, want %s\n", headers[column], import_field_names[map[column]],
				    import_field_names[import_export_columns[column].field]);
				same = 0;
			}
		ok(same, language == 0 ? "Fidèle's export (French): every column mapped as expected" :
		    "Fidèle's export (English): every column mapped as expected");
	}
}

static void
test_guess_columns(void)
{
	enum import_field map[4];
	static const char *const twice[] = { "Email", "E-mail", "Courriel" };
	static const char *const names[] = { "Nom", "Prénom" };
	static const char *const surname[] = { "Nom de famille", "Email" };
	static const char *const whole[] = { "Nom complet", "Nom", "Email" };

	ok(import_guess_columns(twice, 3, map) == 1 && map[0] == IMPORT_EMAIL && map[1] == IMPORT_IGNORE &&
	    map[2] == IMPORT_IGNORE, "a field named twice goes to the first column only");
	ok(import_guess_columns(names, 2, map) == 0, "a file without an e-mail column says so");
	ok(map[0] == IMPORT_LAST_NAME && map[1] == IMPORT_FIRST_NAME,
	    "'Nom' beside 'Prénom' is the last name");
	ok(import_guess_columns(surname, 2, map) == 1 && map[0] == IMPORT_FULL_NAME,
	    "a last name without a first-name column is read as the whole name");
	ok(import_guess_columns(whole, 3, map) == 1 && map[0] == IMPORT_FULL_NAME &&
	    map[1] == IMPORT_LAST_NAME, "'Nom' beside a full-name column stays the last name");
}

static void
test_is_header(void)
{
	static const struct {
		const char *cells[4];
		int count;
		int header;
		const char *why;
	} cases[] = {
		{ { "Nom", "E-mail", "Mot de passe" }, 3, 1, "MyCOMMERCE's first row is a header" },
		{ { "Email" }, 1, 1, "one header cell is a header" },
		{ { "Élodie Martin", "e.martin@example.fr" }, 2, 0, "a row with an address is data" },
		{ { "E-mail", " e.martin@example.fr " }, 2, 0, "a row with an address is data even if a cell names a field" },
		{ { "Élodie", "Martin", "Paris" }, 3, 0, "a row naming no field is data" },
		{ { "" }, 1, 0, "an empty row is no header" },
	};
	char name[160];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		size_t lengths[4];
		struct sheet_row row = { 1, 1, cases[i].count, cases[i].cells, lengths, 0 };
		int column;

		for (column = 0; column < cases[i].count; column++)
			lengths[column] = strlen(cases[i].cells[column]);
		snprintf(name, sizeof(name), "%s", cases[i].why);
		ok(import_is_header(&row) == cases[i].header, name);
	}
}

static void
test_names(void)
{
	static const struct {
		const char *name;
		const char *first;
		const char *last;
	} cases[] = {
		{ "Élodie Martin", "Élodie", "Martin" },
		{ "Martin, Élodie", "Élodie", "Martin" },
		{ "Jean-Pierre de La Fontaine", "Jean-Pierre", "de La Fontaine" },
		{ "Martin", "", "Martin" },
		{ "MARTIN Élodie", "Élodie", "MARTIN" },
		{ "LEFÈVRE Zoé", "Zoé", "LEFÈVRE" },
		{ "DE LA FONTAINE Jean-Pierre", "Jean-Pierre", "DE LA FONTAINE" },
		{ "ÉLODIE MARTIN", "ÉLODIE", "MARTIN" },
		{ "Ludwig van Beethoven", "Ludwig", "van Beethoven" },
		{ "Marie Claire Dupont", "Marie Claire", "Dupont" },
		{ "Anne Le Gall", "Anne", "Le Gall" },
		{ "de La Fontaine", "", "de La Fontaine" },
		{ "  Élodie   Martin  ", "Élodie", "Martin" },
		{ "Élodie\xc2\xa0Martin", "Élodie", "Martin" },
		{ "Martin ,Élodie", "Élodie", "Martin" },
	};
	const enum import_field map[] = { IMPORT_EMAIL, IMPORT_FULL_NAME };
	char name[160];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		const char *cells[] = { "a@example.fr", cases[i].name };
		enum import_reason reason = read_cells(cells, 2, map, 2, 0);

		snprintf(name, sizeof(name), "'%s' splits into '%s' / '%s'", cases[i].name, cases[i].first,
		    cases[i].last);
		ok(reason == IMPORT_OK && strcmp(record.first_name, cases[i].first) == 0 &&
		    strcmp(record.last_name, cases[i].last) == 0 &&
		    record.has[IMPORT_FIRST_NAME] == (cases[i].first[0] != '\0') && record.has[IMPORT_LAST_NAME],
		    name);
		if (strcmp(record.first_name, cases[i].first) != 0 || strcmp(record.last_name, cases[i].last) != 0)
			printf("#   got '%s' / '%s'\n", record.first_name, record.last_name);
	}

	{
		const char *cells[] = { "a@example.fr", "Élodie Martin", "Zoé" };
		const enum import_field both[] = { IMPORT_EMAIL, IMPORT_FULL_NAME, IMPORT_FIRST_NAME };

		ok(read_cells(cells, 3, both, 3, 0) == IMPORT_OK && strcmp(record.first_name, "Zoé") == 0 &&
		    record.last_name[0] == '\0', "a first-name column wins over a full name");
	}
	{
		char long_name[400];
		const char *cells[] = { "a@example.fr", long_name };

		memset(long_name, 'a', 101);
		long_name[101] = '\0';
		ok(read_cells(cells, 2, map, 2, 0) == IMPORT_TOO_LONG,
		    "a whole name of one word over 100 characters is too long");
	}
}

/* One value in one field: the reason, and what the record then holds ("" for no value). */
struct value_case {
	enum import_field field;
	const char *input;
	enum import_reason reason;
	const char *expected;
};

static const struct value_case value_cases[] = {
	/* e-mail: trimmed, lower-cased, checked as the customer pages do */
	{ IMPORT_EMAIL, " Elodie.Martin@Example.FR ", IMPORT_OK, "elodie.martin@example.fr" },
	{ IMPORT_EMAIL, "\xc2\xa0" "a@b.fr\xc2\xa0", IMPORT_OK, "a@b.fr" },
	{ IMPORT_EMAIL, "Élodie Martin <E.Martin@example.fr>", IMPORT_OK, "e.martin@example.fr" },
	{ IMPORT_EMAIL, "\"Martin, Élodie\" < e.martin@example.fr >", IMPORT_OK, "e.martin@example.fr" },
	{ IMPORT_EMAIL, "mailto:e.martin@example.fr", IMPORT_OK, "e.martin@example.fr" },
	{ IMPORT_EMAIL, "Élodie Martin <>", IMPORT_BAD_EMAIL, NULL },
	{ IMPORT_EMAIL, "<e.martin@example.fr", IMPORT_BAD_EMAIL, NULL },
	{ IMPORT_EMAIL, "not-an-address", IMPORT_BAD_EMAIL, NULL },
	{ IMPORT_EMAIL, "a@b@c.fr", IMPORT_BAD_EMAIL, NULL },
	{ IMPORT_EMAIL, "jos\xc3\xa9@example.fr", IMPORT_BAD_EMAIL, NULL },
	{ IMPORT_EMAIL, "=HYPERLINK(\"http://x\")", IMPORT_BAD_EMAIL, NULL },

	/* phone: as written, 32 bytes at most */
	{ IMPORT_PHONE, "+33 6 12 34 56 78", IMPORT_OK, "+33 6 12 34 56 78" },
	{ IMPORT_PHONE, "06.12.34.56.78", IMPORT_OK, "06.12.34.56.78" },
	{ IMPORT_PHONE, "'+33612345678", IMPORT_OK, "+33612345678" },
	{ IMPORT_PHONE, "+33 6 12 34 56 78 poste 1234 bis", IMPORT_OK, "+33 6 12 34 56 78 poste 1234 bis" },
	{ IMPORT_PHONE, "+33 6 12 34 56 78 poste 1234 bis.", IMPORT_TOO_LONG, NULL },
	{ IMPORT_MOBILE, "06 12 34 56 78", IMPORT_OK, "06 12 34 56 78" },

	/* text columns: lengths in characters of the customer's columns */
	{ IMPORT_COMPANY, "Les Jardins d'Élodie", IMPORT_OK, "Les Jardins d'Élodie" },
	{ IMPORT_CITY, "Saint-Étienne", IMPORT_OK, "Saint-Étienne" },
	{ IMPORT_POSTAL_CODE, "'01000", IMPORT_OK, "01000" },
	{ IMPORT_POSTAL_CODE, "75011", IMPORT_OK, "75011" },
	{ IMPORT_POSTAL_CODE, "123456789012345678901", IMPORT_TOO_LONG, NULL },
	{ IMPORT_VAT_NUMBER, "FR 12 345678901", IMPORT_OK, "FR 12 345678901" },
	{ IMPORT_VAT_NUMBER, "FR123456789012345678901234567890X", IMPORT_TOO_LONG, NULL },
	{ IMPORT_ADDRESS, "12 rue de la Paix\r\nBâtiment B", IMPORT_OK, "12 rue de la Paix Bâtiment B" },
	{ IMPORT_NOTE, "Vient le samedi.\r\nPréfère les œufs.", IMPORT_OK, "Vient le samedi.\nPréfère les œufs." },
	/* a CSV's ' before what looks like a formula (OWASP; Fidèle's export) */
	{ IMPORT_FIRST_NAME, "'=Zoé", IMPORT_OK, "=Zoé" },
	{ IMPORT_LAST_NAME, "'-Dupont", IMPORT_OK, "-Dupont" },
	{ IMPORT_COMPANY, "'@Épicerie", IMPORT_OK, "@Épicerie" },
	{ IMPORT_ADDRESS, "'+ de 3 km après le pont", IMPORT_OK, "+ de 3 km après le pont" },
	{ IMPORT_CITY, "'Abbaye", IMPORT_OK, "'Abbaye" },
	{ IMPORT_NOTE, "'=1+1", IMPORT_OK, "=1+1" },
	{ IMPORT_FIRST_NAME, "Zo\x01" "é", IMPORT_BAD_TEXT, NULL },
	{ IMPORT_FIRST_NAME, "\xc9lodie", IMPORT_BAD_TEXT, NULL },
	{ IMPORT_CITY, "Saint-\xc3tienne", IMPORT_BAD_TEXT, NULL },
	{ IMPORT_NOTE, "C1 control \xc2\x85 here", IMPORT_BAD_TEXT, NULL },

	/* values that look like formulas are kept as plain text */
	{ IMPORT_FIRST_NAME, "=HYPERLINK(\"http://x\",\"clic\")", IMPORT_OK, "=HYPERLINK(\"http://x\",\"clic\")" },
	{ IMPORT_COMPANY, "+Corp", IMPORT_OK, "+Corp" },
	{ IMPORT_CITY, "-2+3", IMPORT_OK, "-2+3" },
	{ IMPORT_NOTE, "@SUM(A1:A9)", IMPORT_OK, "@SUM(A1:A9)" },

	/* a placeholder is no value */
	{ IMPORT_CITY, "-", IMPORT_OK, "" },
	{ IMPORT_COUNTRY, "#N/A", IMPORT_OK, "" },
	{ IMPORT_PHONE, "N/A", IMPORT_OK, "" },
	{ IMPORT_CITY, "  ", IMPORT_OK, "" },

	/* countries: ISO codes, French and English names, accents folded */
	{ IMPORT_COUNTRY, "Belgique", IMPORT_OK, "BE" },
	{ IMPORT_COUNTRY, "belgium", IMPORT_OK, "BE" },
	{ IMPORT_COUNTRY, "BE", IMPORT_OK, "BE" },
	{ IMPORT_COUNTRY, "BEL", IMPORT_OK, "BE" },
	{ IMPORT_COUNTRY, "be", IMPORT_OK, "BE" },
	{ IMPORT_COUNTRY, "Royaume-Uni", IMPORT_OK, "GB" },
	{ IMPORT_COUNTRY, "UK", IMPORT_OK, "GB" },
	{ IMPORT_COUNTRY, "United Kingdom", IMPORT_OK, "GB" },
	{ IMPORT_COUNTRY, "France", IMPORT_OK, "FR" },
	{ IMPORT_COUNTRY, "FRANCE", IMPORT_OK, "FR" },
	{ IMPORT_COUNTRY, "France métropolitaine", IMPORT_OK, "FR" },
	{ IMPORT_COUNTRY, "Suisse", IMPORT_OK, "CH" },
	{ IMPORT_COUNTRY, "Switzerland", IMPORT_OK, "CH" },
	{ IMPORT_COUNTRY, "ÉTATS-UNIS", IMPORT_OK, "US" },
	{ IMPORT_COUNTRY, "Etats Unis", IMPORT_OK, "US" },
	{ IMPORT_COUNTRY, "USA", IMPORT_OK, "US" },
	{ IMPORT_COUNTRY, "Côte d\xe2\x80\x99Ivoire", IMPORT_OK, "CI" },
	{ IMPORT_COUNTRY, "Allemagne", IMPORT_OK, "DE" },
	{ IMPORT_COUNTRY, "Deutschland", IMPORT_OK, "DE" },
	{ IMPORT_COUNTRY, "Pays-Bas", IMPORT_OK, "NL" },
	{ IMPORT_COUNTRY, "La Réunion", IMPORT_OK, "RE" },
	{ IMPORT_COUNTRY, "Bolivia (Plurinational State of)", IMPORT_OK, "BO" },
	{ IMPORT_COUNTRY, "Géorgie du Sud-et-les Îles Sandwich du Sud", IMPORT_OK, "GS" },
	{ IMPORT_COUNTRY, "South Georgia and the South Sandwich Islands", IMPORT_OK, "GS" },
	{ IMPORT_COUNTRY, "Territoire britannique de l'océan Indien", IMPORT_OK, "IO" },
	{ IMPORT_COUNTRY, "United States Minor Outlying Islands", IMPORT_OK, "UM" },
	{ IMPORT_COUNTRY, "ZWE", IMPORT_OK, "ZW" },
	{ IMPORT_COUNTRY, "Åland Islands", IMPORT_OK, "AX" },
	{ IMPORT_COUNTRY, "Narnia", IMPORT_BAD_COUNTRY, NULL },
	{ IMPORT_COUNTRY, "XX", IMPORT_BAD_COUNTRY, NULL },

	/* languages: fr and en however written */
	{ IMPORT_LANGUAGE, "fr", IMPORT_OK, "fr" },
	{ IMPORT_LANGUAGE, "FR", IMPORT_OK, "fr" },
	{ IMPORT_LANGUAGE, "fr_FR", IMPORT_OK, "fr" },
	{ IMPORT_LANGUAGE, "fr-FR", IMPORT_OK, "fr" },
	{ IMPORT_LANGUAGE, "fr-BE", IMPORT_OK, "fr" },
	{ IMPORT_LANGUAGE, "français", IMPORT_OK, "fr" },
	{ IMPORT_LANGUAGE, "Français", IMPORT_OK, "fr" },
	{ IMPORT_LANGUAGE, "French", IMPORT_OK, "fr" },
	{ IMPORT_LANGUAGE, "en", IMPORT_OK, "en" },
	{ IMPORT_LANGUAGE, "anglais", IMPORT_OK, "en" },
	{ IMPORT_LANGUAGE, "English", IMPORT_OK, "en" },
	{ IMPORT_LANGUAGE, "en-GB", IMPORT_OK, "en" },
	{ IMPORT_LANGUAGE, "en_US", IMPORT_OK, "en" },
	{ IMPORT_LANGUAGE, "de", IMPORT_BAD_LANGUAGE, NULL },
	{ IMPORT_LANGUAGE, "Deutsch", IMPORT_BAD_LANGUAGE, NULL },

	/* dates */
	{ IMPORT_SIGNUP_DATE, "31/12/2023", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "31-12-2023", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "31.12.2023", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "1/2/2023", IMPORT_OK, "2023-02-01 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "01/02/2023", IMPORT_OK, "2023-02-01 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "31/12/2023 10:11", IMPORT_OK, "2023-12-31 10:11:00" },
	{ IMPORT_SIGNUP_DATE, "2023-12-31", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "2023/12/31", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "2023-12-31 10:11:12", IMPORT_OK, "2023-12-31 10:11:12" },
	{ IMPORT_SIGNUP_DATE, "2023-12-31T10:11:12Z", IMPORT_OK, "2023-12-31 10:11:12" },
	{ IMPORT_SIGNUP_DATE, "2023-12-31T10:11:12.345+01:00", IMPORT_OK, "2023-12-31 10:11:12" },
	{ IMPORT_SIGNUP_DATE, "2023-12-31 10:11:12 -0400", IMPORT_OK, "2023-12-31 10:11:12" },
	{ IMPORT_SIGNUP_DATE, "2023-12-31 10:11:12 UTC", IMPORT_OK, "2023-12-31 10:11:12" },
	{ IMPORT_SIGNUP_DATE, "12/31/2023", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "29/02/2024", IMPORT_OK, "2024-02-29 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "45291", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "45291.5", IMPORT_OK, "2023-12-31 12:00:00" },
	{ IMPORT_SIGNUP_DATE, "45291,75", IMPORT_OK, "2023-12-31 18:00:00" },
	{ IMPORT_SIGNUP_DATE, "25569", IMPORT_OK, "1970-01-01 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "73050.75", IMPORT_OK, "2099-12-31 18:00:00" },
	{ IMPORT_SIGNUP_DATE, "4 mai 2023", IMPORT_OK, "2023-05-04 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "lundi 1er mai 2023 à 10h11", IMPORT_OK, "2023-05-01 10:11:00" },
	{ IMPORT_SIGNUP_DATE, "31 déc. 2023", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "31 décembre 2023 10:11:12", IMPORT_OK, "2023-12-31 10:11:12" },
	{ IMPORT_SIGNUP_DATE, "May 4, 2023", IMPORT_OK, "2023-05-04 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "December 31st, 2023", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "04-May-2023", IMPORT_OK, "2023-05-04 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "Sun, Dec 31 2023 10:11 PM", IMPORT_OK, "2023-12-31 22:11:00" },
	{ IMPORT_SIGNUP_DATE, "Dec 31 2023 12:05 AM", IMPORT_OK, "2023-12-31 00:05:00" },
	{ IMPORT_SIGNUP_DATE, "30 février 2024", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "4 mai", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "mai juin 2023", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "4 brumaire 2023", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "May 4, 2023 13:00 PM", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "4 5 2023", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "2023", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "25568", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "73051", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "0", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "2958466", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "31/02/2023", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "29/02/2023", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "13/13/2023", IMPORT_BAD_DATE, NULL },
	/* two digits: the century Excel gives them (00-29: 2000s) */
	{ IMPORT_SIGNUP_DATE, "31/12/23", IMPORT_OK, "2023-12-31 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "1/2/85", IMPORT_OK, "1985-02-01 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "01.02.29 10:11", IMPORT_OK, "2029-02-01 10:11:00" },
	{ IMPORT_SIGNUP_DATE, "01/02/30", IMPORT_OK, "1930-02-01 00:00:00" },
	{ IMPORT_SIGNUP_DATE, "29/02/23", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "31/12/202", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "31/12/2", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "31/12-2023", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "2023-12-31 25:00", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "2023-12-31 10:61", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "2023-12-31 midi", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "31.12.2023.5", IMPORT_BAD_DATE, NULL },
	{ IMPORT_SIGNUP_DATE, "hier", IMPORT_BAD_DATE, NULL },

	/* money, in cents */
	{ IMPORT_TOTAL_SPENT, "1 234,56 €", IMPORT_OK, "123456" },
	{ IMPORT_TOTAL_SPENT, "1\xc2\xa0" "234,56\xc2\xa0\xe2\x82\xac", IMPORT_OK, "123456" },
	{ IMPORT_TOTAL_SPENT, "1\xe2\x80\xaf" "234,56 \xe2\x82\xac", IMPORT_OK, "123456" },
	{ IMPORT_TOTAL_SPENT, "1234.56", IMPORT_OK, "123456" },
	{ IMPORT_TOTAL_SPENT, "€12", IMPORT_OK, "1200" },
	{ IMPORT_TOTAL_SPENT, "12 EUR", IMPORT_OK, "1200" },
	{ IMPORT_TOTAL_SPENT, "12,5", IMPORT_OK, "1250" },
	{ IMPORT_TOTAL_SPENT, "1.234,56", IMPORT_OK, "123456" },
	{ IMPORT_TOTAL_SPENT, "1,234.56", IMPORT_OK, "123456" },
	{ IMPORT_TOTAL_SPENT, "1.234.567", IMPORT_OK, "123456700" },
	{ IMPORT_TOTAL_SPENT, "$1,234", IMPORT_OK, "123400" },
	{ IMPORT_TOTAL_SPENT, "1'234.50 CHF", IMPORT_OK, "123450" },
	{ IMPORT_TOTAL_SPENT, "0", IMPORT_OK, "0" },
	{ IMPORT_TOTAL_SPENT, "0.00", IMPORT_OK, "0" },
	{ IMPORT_TOTAL_SPENT, "--", IMPORT_OK, "" },
	{ IMPORT_TOTAL_SPENT, "-12", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "-12,50 €", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "(12)", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "12abc", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "beaucoup", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "€", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "1,2,3", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "0,125", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "1234,567", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "12.", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "1.2,3.4", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "99999999999999999999", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_TOTAL_SPENT, "=1+1", IMPORT_BAD_NUMBER, NULL },

	/* counts */
	{ IMPORT_ORDER_COUNT, "12", IMPORT_OK, "12" },
	{ IMPORT_ORDER_COUNT, "1 234", IMPORT_OK, "1234" },
	{ IMPORT_ORDER_COUNT, "0", IMPORT_OK, "0" },
	{ IMPORT_ORDER_COUNT, "-1", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_ORDER_COUNT, "1.5", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_ORDER_COUNT, "douze", IMPORT_BAD_NUMBER, NULL },
	{ IMPORT_ORDER_COUNT, "4294967296", IMPORT_BAD_NUMBER, NULL },

	/* yes / no */
	{ IMPORT_MARKETING, "oui", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "OUI", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "o", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "yes", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "y", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "true", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "TRUE", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "vrai", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "1", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "x", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "X", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "abonné", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "Abonnée", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "subscribed", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "accepted", IMPORT_OK, "1" },
	{ IMPORT_MARKETING, "non", IMPORT_OK, "0" },
	{ IMPORT_MARKETING, "n", IMPORT_OK, "0" },
	{ IMPORT_MARKETING, "no", IMPORT_OK, "0" },
	{ IMPORT_MARKETING, "false", IMPORT_OK, "0" },
	{ IMPORT_MARKETING, "faux", IMPORT_OK, "0" },
	{ IMPORT_MARKETING, "0", IMPORT_OK, "0" },
	{ IMPORT_MARKETING, "non abonné", IMPORT_OK, "0" },
	{ IMPORT_MARKETING, "unsubscribed", IMPORT_OK, "0" },
	{ IMPORT_MARKETING, "not_subscribed", IMPORT_OK, "0" },
	{ IMPORT_MARKETING, "", IMPORT_OK, "" },
	{ IMPORT_MARKETING, "peut-être", IMPORT_BAD_YES_NO, NULL },
	{ IMPORT_MARKETING, "2", IMPORT_BAD_YES_NO, NULL },
	{ IMPORT_TAX_EXEMPT, "oui", IMPORT_OK, "1" },
	{ IMPORT_TAX_EXEMPT, "no", IMPORT_OK, "0" },
	{ IMPORT_TAX_EXEMPT, "", IMPORT_OK, "" },
	{ IMPORT_TAX_EXEMPT, "exonéré", IMPORT_BAD_YES_NO, NULL },

	/* a password is seen, never copied */
	{ IMPORT_PASSWORD, "s3cr3t", IMPORT_OK, "1" },
	{ IMPORT_PASSWORD, "", IMPORT_OK, "" },

	/* tags and groups: recognised, not imported yet */
	{ IMPORT_TAGS, "vip, marché", IMPORT_OK, "set" },
	{ IMPORT_GROUPS, "Amap du jeudi", IMPORT_OK, "set" },
};

/* text with its line ends and control bytes written visibly, for a TAP line */
static const char *
visible(const char *text, char *out, size_t size)
{
	size_t n = 0;

	for (; *text != '\0' && n + 5 < size; text++) {
		unsigned char c = (unsigned char)*text;

		if (c < 0x20)
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

static void
test_values(void)
{
	char name[400], buf[64], input[160], expected[160];
	size_t i;

	for (i = 0; i < N(value_cases); i++) {
		const struct value_case *c = &value_cases[i];
		enum import_reason reason = read_value(c->field, c->input);

		snprintf(name, sizeof(name), "%s '%s' is %s%s%s", import_field_names[c->field],
		    visible(c->input, input, sizeof(input)), import_reason_names[c->reason],
		    c->expected != NULL ? ": " : "", c->expected != NULL ? (c->expected[0] != '\0' ?
		    visible(c->expected, expected, sizeof(expected)) : "no value") : "");
		if (c->expected == NULL)
			ok(reason == c->reason, name);
		else {
			const char *got = record_value(c->field, buf, sizeof(buf));

			ok(reason == c->reason && strcmp(got, c->expected) == 0, name);
			if (strcmp(got, c->expected) != 0)
				printf("#   got '%s'\n", got);
		}
		if (reason != c->reason)
			printf("#   got reason %s\n", import_reason_names[reason]);
	}
}

/* A value of chars characters (each the UTF-8 of one), for length limits. */
static char *
repeat(const char *character, size_t chars)
{
	size_t len = strlen(character), i;
	char *text = malloc(len * chars + 1);

	if (text == NULL)
		abort();
	for (i = 0; i < chars; i++)
		memcpy(text + i * len, character, len);
	text[len * chars] = '\0';
	return text;
}

static void
test_lengths(void)
{
	static const struct {
		enum import_field field;
		size_t max;
	} limits[] = {
		{ IMPORT_FIRST_NAME, 100 }, { IMPORT_LAST_NAME, 100 }, { IMPORT_COMPANY, 100 },
		{ IMPORT_ADDRESS, 255 }, { IMPORT_POSTAL_CODE, 20 }, { IMPORT_CITY, 100 },
		{ IMPORT_NOTE, 10000 },
	};
	char name[160];
	size_t i;

	for (i = 0; i < N(limits); i++) {
		char *fits = repeat("é", limits[i].max), *over = repeat("é", limits[i].max + 1);
		char buf[8];

		snprintf(name, sizeof(name), "%s of %zu accented characters fits", import_field_names[limits[i].field],
		    limits[i].max);
		ok(read_value(limits[i].field, fits) == IMPORT_OK &&
		    strcmp(record_value(limits[i].field, buf, sizeof(buf)), fits) == 0, name);
		snprintf(name, sizeof(name), "%s of %zu characters is too long", import_field_names[limits[i].field],
		    limits[i].max + 1);
		ok(read_value(limits[i].field, over) == IMPORT_TOO_LONG, name);
		free(fits);
		free(over);
	}
	{
		char *local = repeat("a", 64), *domain = repeat("b", 63), address[400];

		snprintf(address, sizeof(address), "%s@%s.%s.%s.fr", local, domain, domain, domain);
		ok(read_value(IMPORT_EMAIL, address) == IMPORT_BAD_EMAIL, "an address over 254 bytes is refused");
		free(local);
		free(domain);
	}
}

static void
test_rows(void)
{
	static const enum import_field map[] = { IMPORT_EMAIL, IMPORT_PHONE, IMPORT_MOBILE, IMPORT_ADDRESS,
	    IMPORT_ADDRESS2, IMPORT_COUNTRY, IMPORT_SIGNUP_DATE, IMPORT_IGNORE };

	{
		const char *cells[] = { "a@b.fr", "", "06 12 34 56 78", "", "Bât B" };

		ok(read_cells(cells, 5, map, 8, 0) == IMPORT_OK && strcmp(record.phone, "06 12 34 56 78") == 0 &&
		    record.has[IMPORT_PHONE] && record.has[IMPORT_MOBILE],
		    "the mobile is the phone when the phone is empty");
		ok(strcmp(record.address, "Bât B") == 0 && record.has[IMPORT_ADDRESS],
		    "a second address line alone is the address");
		ok(!record.has[IMPORT_COUNTRY] && !record.has[IMPORT_SIGNUP_DATE] && record.country[0] == '\0',
		    "columns past the row's end give no value");
	}
	{
		const char *cells[] = { "a@b.fr", "01 23 45 67 89", "06 12 34 56 78", "12 rue de la Paix", "Bât B" };

		ok(read_cells(cells, 5, map, 8, 0) == IMPORT_OK && strcmp(record.phone, "01 23 45 67 89") == 0,
		    "the phone wins over the mobile");
		ok(strcmp(record.address, "12 rue de la Paix, Bât B") == 0, "address lines are joined");
	}
	{
		char *first = repeat("a", 200), *second = repeat("b", 60);
		const char *cells[] = { "a@b.fr", "", "", first, second };

		ok(read_cells(cells, 5, map, 8, 0) == IMPORT_TOO_LONG, "joined address lines over 255 characters are too long");
		ok(record.reason_column == 4, "the second line's column is the refused one");
		free(first);
		free(second);
	}
	{
		const char *cells[] = { "a@b.fr", "", "", "", "", "", "", "=cmd|' /C calc'!A0", "extra" };

		ok(read_cells(cells, 9, map, 8, 0) == IMPORT_OK, "ignored columns and columns past the mapping are not read");
		ok(record.reason_column == -1, "a row taken names no column");
	}
	/* a French postal code whose leading zero a spreadsheet dropped */
	{
		static const enum import_field places[] = { IMPORT_EMAIL, IMPORT_POSTAL_CODE,
		    IMPORT_COUNTRY };
		const char *cells[] = { "a@b.fr", "1000", "France" };

		ok(read_cells(cells, 3, places, 3, 0) == IMPORT_OK &&
		    strcmp(record.postal_code, "01000") == 0, "1000 in France is 01000");
		cells[2] = "BE";
		ok(read_cells(cells, 3, places, 3, 0) == IMPORT_OK &&
		    strcmp(record.postal_code, "1000") == 0, "1000 in Belgium stays 1000");
		cells[2] = "";
		ok(read_cells(cells, 3, places, 3, 0) == IMPORT_OK &&
		    strcmp(record.postal_code, "1000") == 0, "1000 with no country stays 1000");
		cells[1] = "75011";
		cells[2] = "FR";
		ok(read_cells(cells, 3, places, 3, 0) == IMPORT_OK &&
		    strcmp(record.postal_code, "75011") == 0, "five digits in France stay as they are");
	}
	/* the refused cell's column: the first reason's, in import_reason order */
	{
		const char *cells[] = { "a@b.fr", "", "", "", "", "Atlantide", "31/02/2024" };

		ok(read_cells(cells, 7, map, 8, 0) == IMPORT_BAD_COUNTRY && record.reason_column == 5,
		    "an unknown country names its column");
		cells[5] = "FR";
		ok(read_cells(cells, 7, map, 8, 0) == IMPORT_BAD_DATE && record.reason_column == 6,
		    "a bad date names its column");
		cells[0] = "";
		ok(read_cells(cells, 7, map, 8, 0) == IMPORT_NO_EMAIL && record.reason_column == -1,
		    "no address at all names no column");
		cells[0] = "a@b.fr";
		cells[2] = "06 12 34 56 78 06 12 34 56 78 06 12 34 56 78";
		cells[6] = "";
		ok(read_cells(cells, 7, map, 8, 0) == IMPORT_TOO_LONG && record.reason_column == 2,
		    "a mobile too long, used as the phone, names its own column");
	}

	/* a record read after another keeps nothing of it */
	{
		static const enum import_field every[] = { IMPORT_EMAIL, IMPORT_FIRST_NAME, IMPORT_LAST_NAME,
		    IMPORT_PHONE, IMPORT_COMPANY, IMPORT_ADDRESS, IMPORT_POSTAL_CODE, IMPORT_CITY, IMPORT_COUNTRY,
		    IMPORT_LANGUAGE, IMPORT_VAT_NUMBER, IMPORT_TAX_EXEMPT, IMPORT_SIGNUP_DATE, IMPORT_MARKETING,
		    IMPORT_NOTE, IMPORT_ORDER_COUNT, IMPORT_TOTAL_SPENT, IMPORT_PASSWORD, IMPORT_TAGS,
		    IMPORT_GROUPS };
		const char *full[] = { "a@b.fr", "Élodie", "Martin", "0612345678", "Jardins", "1 rue A", "75011",
		    "Paris", "FR", "fr", "FR12345678901", "oui", "2023-12-31", "oui", "Une note", "3", "12,50",
		    "secret", "vip", "amap" };
		const char *bare[] = { "c@d.fr" };
		int f, clean = 1;

		ok(read_cells(full, 20, every, 20, 0) == IMPORT_OK, "a row with every field is read");
		ok(read_cells(bare, 1, every, 20, 0) == IMPORT_OK, "a row with an address only is read");
		for (f = IMPORT_FIRST_NAME; f < IMPORT_FIELD__MAX; f++)
			clean &= !record.has[f];
		ok(clean && record.first_name[0] == '\0' && record.last_name[0] == '\0' && record.phone[0] == '\0' &&
		    record.company[0] == '\0' && record.address[0] == '\0' && record.postal_code[0] == '\0' &&
		    record.city[0] == '\0' && record.country[0] == '\0' && record.language[0] == '\0' &&
		    record.vat_number[0] == '\0' && record.signup_date[0] == '\0' && record.note[0] == '\0' &&
		    record.tax_exempt == 0 && record.marketing == 0 && record.order_count == 0 &&
		    record.total_spent_cents == 0 && record.has_password == 0,
		    "a record read after another keeps nothing of it");
	}

	/* the first reason found, in import_reason order */
	{
		static const struct {
			const char *cells[8];
			unsigned flags;
			enum import_reason reason;
			const char *why;
		} cases[] = {
			{ { "", "", "", "", "", "Narnia" }, SHEET_ROW_BAD_TEXT, IMPORT_BAD_TEXT,
			  "bytes that are not text come first" },
			{ { "a@b.fr" }, SHEET_ROW_TOO_MANY_COLUMNS, IMPORT_TOO_MANY_COLUMNS,
			  "too many columns is said" },
			{ { "a@b.fr" }, SHEET_ROW_FIELD_TOO_LONG, IMPORT_TOO_LONG, "a field cut by the reader is too long" },
			{ { "", "", "", "", "", "Narnia" }, SHEET_ROW_FIELD_TOO_LONG, IMPORT_NO_EMAIL,
			  "a missing address comes before a value too long" },
			{ { "", "", "", "", "", "Narnia", "31/02/2023" }, 0, IMPORT_NO_EMAIL,
			  "a missing address comes before a bad country" },
			{ { "-", "", "", "", "", "", "" }, 0, IMPORT_NO_EMAIL, "a placeholder is no address" },
			{ { "a@", "", "", "", "", "Narnia", "31/02/2023" }, 0, IMPORT_BAD_EMAIL,
			  "a bad address comes before a bad country" },
			{ { "a@b.fr", "", "", "", "", "Narnia", "31/02/2023" }, 0, IMPORT_BAD_COUNTRY,
			  "a bad country comes before a bad date" },
			{ { "a@b.fr", "", "", "", "", "FR", "31/02/2023" }, 0, IMPORT_BAD_DATE, "a bad date alone" },
		};
		size_t i;

		for (i = 0; i < N(cases); i++) {
			int count = 0;

			while (count < 8 && cases[i].cells[count] != NULL)
				count++;
			ok(read_cells(cases[i].cells, count, map, 8, cases[i].flags) == cases[i].reason, cases[i].why);
		}
	}

	/* MyCOMMERCE's file, header guessed, row read: the password goes nowhere */
	{
		static const char *const headers[] = { "Nom", "E-mail", "Mot de passe" };
		const char *cells[] = { "Élodie Martin", "E.Martin@Example.fr", "hunter2-secret" };
		enum import_field guessed[3];
		const unsigned char *bytes = (const unsigned char *)&record;
		size_t i, found = 0;

		import_guess_columns(headers, 3, guessed);
		ok(read_cells(cells, 3, guessed, 3, 0) == IMPORT_OK && strcmp(record.first_name, "Élodie") == 0 &&
		    strcmp(record.last_name, "Martin") == 0 && strcmp(record.email, "e.martin@example.fr") == 0,
		    "MyCOMMERCE's row: the whole name split, the address normalised");
		ok(record.has_password == 1 && record.has[IMPORT_PASSWORD] == 1, "MyCOMMERCE's row: a password is seen");
		for (i = 0; i + 14 <= sizeof(record); i++)
			if (memcmp(bytes + i, "hunter2-secret", 14) == 0)
				found = 1;
		ok(!found, "MyCOMMERCE's row: the password is copied nowhere in the record");
	}
}

static void
test_names_tables(void)
{
	int f;
	char name[80];

	for (f = 0; f < IMPORT_FIELD__MAX; f++) {
		snprintf(name, sizeof(name), "field %d is found by its name '%s'", f, import_field_names[f]);
		ok(import_field_find(import_field_names[f]) == (enum import_field)f, name);
	}
	ok(import_field_find("Email") == IMPORT_FIELD__MAX, "field names are exact");
	ok(import_field_find("") == IMPORT_FIELD__MAX, "no name is no field");
	ok(strcmp(import_reason_names[IMPORT_BAD_EMAIL], "bad_email") == 0 &&
	    strcmp(import_reason_names[IMPORT_DUPLICATE], "duplicate") == 0, "reasons have their names");
}

static void
test_mapping_text(void)
{
	enum import_field map[IMPORT_FIELD__MAX + 4], back[IMPORT_FIELD__MAX + 4];
	char text[1024];
	int f, count;

	{
		const enum import_field some[] = { IMPORT_EMAIL, IMPORT_FIRST_NAME, IMPORT_IGNORE, IMPORT_IGNORE,
		    IMPORT_LAST_NAME };

		ok(import_mapping_write(some, 5, text, sizeof(text)) == 0, "a mapping is written");
		is_str(text, "email,first_name,ignore,ignore,last_name", "a mapping is the fields' names, comma-separated");
		ok(import_mapping_read(text, back, 10) == 5 && memcmp(back, some, sizeof(some)) == 0,
		    "a mapping is read back as written");
	}
	for (f = 0; f < IMPORT_FIELD__MAX; f++)
		map[f] = (enum import_field)(IMPORT_FIELD__MAX - 1 - f);
	ok(import_mapping_write(map, IMPORT_FIELD__MAX, text, sizeof(text)) == 0 &&
	    (count = import_mapping_read(text, back, IMPORT_FIELD__MAX)) == IMPORT_FIELD__MAX &&
	    memcmp(back, map, sizeof(map[0]) * IMPORT_FIELD__MAX) == 0, "every field makes the round trip");
	ok(import_mapping_write(map, 0, text, sizeof(text)) == 0 && text[0] == '\0' &&
	    import_mapping_read(text, back, 4) == 0, "no column is an empty text and back");
	ok(import_mapping_write(map, IMPORT_FIELD__MAX, text, 20) == -1, "a mapping that does not fit is refused");
	{
		enum import_field bad = IMPORT_FIELD__MAX;

		ok(import_mapping_write(&bad, 1, text, sizeof(text)) == -1, "a field out of range is not written");
	}
	{
		static const struct {
			const char *text;
			int max;
			int count;
			const char *why;
		} cases[] = {
			{ "ignore,ignore,email", 4, 3, "ignore may come many times" },
			{ "email,unknown", 4, -1, "an unknown name is refused" },
			{ "email,email", 4, -1, "a field twice is refused" },
			{ "email,,first_name", 4, -1, "an empty name is refused" },
			{ "email,", 4, -1, "a trailing comma is refused" },
			{ "Email", 4, -1, "names are exact" },
			{ " email", 4, -1, "spaces are refused" },
			{ "email,first_name,last_name", 2, -1, "more columns than the caller holds are refused" },
			{ "email,first_name_and_then_some_more_letters", 4, -1, "a long name is refused" },
		};
		size_t i;

		for (i = 0; i < N(cases); i++)
			ok(import_mapping_read(cases[i].text, back, cases[i].max) == cases[i].count, cases[i].why);
	}
}

/* Whether the HDF file at path has a non-empty value at key (blocks
 * "Name {" ... "}" and "name = value" lines, as lang/ writes them). */
static int
hdf_has(const char *path, const char *key)
{
	FILE *file = fopen(path, "r");
	char line[4096], stack[8][64], name[8 * 64 + 4096];
	size_t used, len;
	int depth = 0, found = 0;

	if (file == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), file) != NULL) {
		char *start = line, *end = line + strlen(line), *equals;
		int i;

		while (*start == ' ' || *start == '\t')
			start++;
		while (end > start && (end[-1] == '\n' || end[-1] == ' '))
			*--end = '\0';
		if (*start == '\0' || *start == '#')
			continue;
		if (strcmp(start, "}") == 0) {
			depth -= depth > 0;
			continue;
		}
		if (end[-1] == '{') {
			if (depth < 8)
				snprintf(stack[depth], sizeof(stack[depth]), "%.*s", (int)strcspn(start, " {"), start);
			depth++;
			continue;
		}
		if ((equals = strchr(start, '=')) == NULL)
			continue;
		used = 0;
		for (i = 0; i < depth && i < 8; i++) {
			len = strlen(stack[i]);
			memcpy(name + used, stack[i], len);
			name[used + len] = '.';
			used += len + 1;
		}
		len = strcspn(start, " =");
		if (used + len >= sizeof(name))
			continue;
		memcpy(name + used, start, len);
		name[used + len] = '\0';
		found = strcmp(name, key) == 0 && equals[1 + strspn(equals + 1, " ")] != '\0';
	}
	fclose(file);
	return found;
}

/* Every field and reason has its label in both languages, under the keys
 * the import pages read: Lang.Import.Field.<name>, Lang.Import.Reason.<name>. */
static void
test_language_keys(void)
{
	const char *srcdir = getenv("FIDELE_SRCDIR");
	static const char *const languages[] = { "fr", "en" };
	char path[2048], key[128], name[200];
	size_t language;
	int i, missing;

	char from_file[1024];

	if (srcdir == NULL) {
		/* run by hand: the tree this file is in */
		snprintf(from_file, sizeof(from_file), "%s", __FILE__);
		from_file[strlen(from_file) - strlen("tests/unit/test-import-map.c")] = '\0';
		snprintf(from_file + strlen(from_file), sizeof(from_file) - strlen(from_file), ".");
		srcdir = from_file;
	}
	for (language = 0; language < N(languages); language++) {
		snprintf(path, sizeof(path), "%s/lang/%s.hdf", srcdir, languages[language]);
		missing = 0;
		for (i = 0; i < IMPORT_FIELD__MAX; i++) {
			snprintf(key, sizeof(key), "Import.Field.%s", import_field_names[i]);
			if (!hdf_has(path, key)) {
				printf("#   %s: no %s\n", path, key);
				missing++;
			}
		}
		snprintf(name, sizeof(name), "lang/%s.hdf names every field", languages[language]);
		ok(missing == 0, name);
		missing = 0;
		for (i = 0; i < IMPORT_REASON__MAX; i++) {
			snprintf(key, sizeof(key), "Import.Reason.%s", import_reason_names[i]);
			if (!hdf_has(path, key)) {
				printf("#   %s: no %s\n", path, key);
				missing++;
			}
		}
		snprintf(name, sizeof(name), "lang/%s.hdf says every reason", languages[language]);
		ok(missing == 0, name);
	}
}

int
main(void)
{
	test_synonyms();
	test_formats();
	test_guess_columns();
	test_is_header();
	test_names();
	test_values();
	test_lengths();
	test_rows();
	test_names_tables();
	test_mapping_text();
	test_language_keys();
	return tap_done();
}
