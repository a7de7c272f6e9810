/* Unit tests for the declared fields (fcgi/lib/form.c, request.c): a
 * choice is checked as the door checks it (field_value_check) and read as
 * its index, and a handler that reads a field its route does not declare
 * is refused, not answered with a silent NULL. */
#include <config.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../fcgi/lib/log.h"
#include "../../fcgi/lib/request.h"
#include "tap.h"

static const char *const action_names[] = { "deactivate", "reactivate", "block", NULL };

enum action_field { ACTION_ACTION, ACTION_SCOPE, ACTION_REASON, ACTION__MAX };
static const char *const scope_names[] = { "ticked", "all", NULL };
static const struct field action_fields[ACTION__MAX + 1] = {
	[ACTION_ACTION] = { "action", FIELD_CHOICE, 0, 12, 0, 0, action_names },
	[ACTION_SCOPE] = { "scope", FIELD_CHOICE, 1, 8, 0, 0, scope_names },
	[ACTION_REASON] = { "reason", FIELD_TEXT, 0, 500, 0, 0, NULL },
};

/* another route's table, with a field of the same name and one of its own */
enum other_field { OTHER_REASON, OTHER_EMAIL, OTHER__MAX };
static const struct field other_fields[OTHER__MAX + 1] = {
	[OTHER_REASON] = { "reason", FIELD_TEXT, 0, 500, 0, 0, NULL },
	[OTHER_EMAIL] = { "email", FIELD_EMAIL, 0, 254, 0, 0, NULL },
};

/* --- the door's check of a choice --------------------------------------------------- */

static const struct {
	const struct field *field;
	const char *value;
	const char *problem;	/* NULL: accepted */
	const char *what;
} checks[] = {
	{ &action_fields[ACTION_ACTION], "block", NULL, "a value offered is accepted" },
	{ &action_fields[ACTION_ACTION], "deactivate", NULL, "the first value offered is accepted" },
	{ &action_fields[ACTION_ACTION], "explode", "Error.Field.Choice",
	    "a value not offered is refused as a choice" },
	{ &action_fields[ACTION_ACTION], "Block", "Error.Field.Choice",
	    "letter case counts: 'Block' is not 'block'" },
	{ &action_fields[ACTION_ACTION], "blocked", "Error.Field.Choice",
	    "a value that starts like a choice is not one" },
	{ &action_fields[ACTION_ACTION], "blo", "Error.Field.Choice",
	    "the start of a choice is not one" },
	{ &action_fields[ACTION_ACTION], "", NULL, "an optional choice may be empty" },
	{ &action_fields[ACTION_ACTION], "  block ", NULL, "a choice is trimmed like any text" },
	{ &action_fields[ACTION_ACTION], "reactivate-all", "Error.Field.TooLong",
	    "a value past the field's length is too long before it is a wrong choice" },
	{ &action_fields[ACTION_ACTION], "bl\x01ock", "Error.Field.Charset",
	    "control bytes are refused before the choice is looked at" },
	{ &action_fields[ACTION_SCOPE], "", "Error.Field.Required",
	    "a required choice may not be empty" },
	{ &action_fields[ACTION_SCOPE], "all", NULL, "a required choice given is accepted" },
};

static void
test_choice_checks(void)
{
	char value[64], shown[64], name[200];
	size_t i;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const char *problem;

		snprintf(value, sizeof(value), "%s", checks[i].value);
		log_escape(checks[i].value, shown, sizeof(shown));
		problem = field_value_check(checks[i].field, value);
		snprintf(name, sizeof(name), "%s ('%s': %s)", checks[i].what, shown,
		    checks[i].problem ? checks[i].problem : "accepted");
		is_str(problem ? problem : "(accepted)",
		    checks[i].problem ? checks[i].problem : "(accepted)", name);
	}
	ok(field_choice(&action_fields[ACTION_ACTION], "block") == 2,
	    "a choice's index is its place in the list");
	ok(field_choice(&action_fields[ACTION_ACTION], "explode") == -1,
	    "a value not offered has no index");
	ok(field_choice(&action_fields[ACTION_REASON], "block") == -1,
	    "a field that is not a choice has no index");
}

/* --- reading a request's fields ----------------------------------------------------- */

static const struct route action_route = { "POST", "/admin/things/bulk", ACCESS_ADMIN,
	action_fields, NULL, NULL, 0 };

/* A request of action_route whose validated fields are under Query.*. */
static void
request_of(struct request *req, HDF **hdf)
{
	memset(req, 0, sizeof(*req));
	hdf_init(hdf);
	hdf_set_value(*hdf, "Query.action", "block");
	hdf_set_value(*hdf, "Query.scope", "");
	hdf_set_value(*hdf, "Query.reason", "Fraude");
	hdf_set_value(*hdf, "Query.email", "someone@example.test");
	req->hdf = *hdf;
	req->route = &action_route;
	req->method = "POST";
	snprintf(req->path, sizeof(req->path), "%s", action_route.path);
}

static void
test_reading(void)
{
	struct request req;
	HDF *hdf;

	request_of(&req, &hdf);
	is_str(request_field(&req, &action_fields[ACTION_REASON]), "Fraude",
	    "a field of the route is read by its key");
	ok(request_field_choice(&req, &action_fields[ACTION_ACTION], -1) == 2,
	    "a choice is read as the index of its value");
	ok(request_field_choice(&req, &action_fields[ACTION_SCOPE], 0) == 0,
	    "an empty choice reads as the fallback");
	hdf_remove_tree(hdf, "Query.action");
	ok(request_field_choice(&req, &action_fields[ACTION_ACTION], -1) == -1,
	    "an absent choice reads as the fallback");
	is_str(request_field_shared(&req, &other_fields[OTHER_REASON]), "Fraude",
	    "code shared by routes reads the route's own field of the shared one's name");
	ok(request_field_shared(&req, &other_fields[OTHER_EMAIL]) == NULL,
	    "a shared field the route does not declare reads as absent");
	hdf_destroy(&hdf);
}

/* the request the readers below misread, set up before each fork */
static struct request misread;

/* Each reads a field as a handler with a bug would; 1 when it got nothing. */
static int
read_other_routes_field(void)
{
	return request_field(&misread, &other_fields[OTHER_EMAIL]) == NULL;
}

static int
read_same_name_of_another_table(void)
{
	return request_field(&misread, &other_fields[OTHER_REASON]) == NULL;
}

static int
read_other_routes_int(void)
{
	return request_field_int(&misread, &other_fields[OTHER_EMAIL], -7) == -7;
}

static int
read_text_as_choice(void)
{
	return request_field_choice(&misread, &action_fields[ACTION_REASON], -7) == -7;
}

static int
read_other_routes_ids(void)
{
	long long ids[4];

	return request_field_ids(&misread, &other_fields[OTHER_EMAIL], ids, 4) == 0;
}

/*
 * Runs reader in a child whose stderr is kept in log, and says how it
 * ended: 1 when it stopped at the debug assertion (the tests' builds), 2
 * when it went on with nothing read (a build without assertions), 0 when
 * it read something.
 */
static int
refusal(int (*reader)(void), char *log, size_t size)
{
	int pipe_fds[2], status;
	ssize_t got;
	size_t used = 0;
	pid_t child;

	log[0] = '\0';
	fflush(stdout);
	fflush(stderr);
	if (pipe(pipe_fds) != 0 || (child = fork()) < 0)
		return 0;
	if (child == 0) {
		close(pipe_fds[0]);
		dup2(pipe_fds[1], 2);
		_exit(reader() ? 2 : 0);
	}
	close(pipe_fds[1]);
	while (used + 1 < size && (got = read(pipe_fds[0], log + used, size - used - 1)) > 0)
		used += (size_t)got;
	log[used] = '\0';
	close(pipe_fds[0]);
	if (waitpid(child, &status, 0) != child)
		return 0;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 2 ? 2 : 0;
}

static const struct {
	int (*reader)(void);
	const char *logged;	/* in the log line */
	const char *what;
} misreads[] = {
	{ read_other_routes_field, "field email refused on POST /admin/things/bulk",
	    "a field of another route's table is refused" },
	{ read_same_name_of_another_table, "field reason refused on POST /admin/things/bulk",
	    "another table's field is refused even when the route has one of its name" },
	{ read_other_routes_int, "field email refused", "an integer of another route is refused" },
	{ read_other_routes_ids, "field email refused", "ids of another route are refused" },
	{ read_text_as_choice, "field reason refused", "a text read as a choice is refused" },
};

static void
test_misreads(void)
{
	char log[1024], name[200];
	size_t i;
	HDF *hdf;

	for (i = 0; i < sizeof(misreads) / sizeof(misreads[0]); i++) {
		int how;

		request_of(&misread, &hdf);
		how = refusal(misreads[i].reader, log, sizeof(log));
		hdf_destroy(&hdf);
#ifdef NDEBUG
		snprintf(name, sizeof(name), "%s: nothing is read", misreads[i].what);
		ok(how == 2, name);
#else
		snprintf(name, sizeof(name), "%s: the debug assertion stops the program",
		    misreads[i].what);
		ok(how == 1, name);
#endif
		snprintf(name, sizeof(name), "%s: the log names the field and the route",
		    misreads[i].what);
		ok(strstr(log, misreads[i].logged) != NULL, name);
		if (strstr(log, misreads[i].logged) == NULL)
			printf("#   logged: %s\n", log);
	}
}

int
main(void)
{
	log_program("test-fields");
	test_choice_checks();
	test_reading();
	test_misreads();
	return tap_done();
}
