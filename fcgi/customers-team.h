/*
 * The shop's team (/admin/team, owners only), served by customers.fcgi:
 * who may sign in to the shop's admin pages, an admin invited by mail to
 * choose a password, and one who left disabled (or back again), without
 * asking the hosting provider.
 */
#ifndef FIDELE_CUSTOMERS_TEAM_H
#define FIDELE_CUSTOMERS_TEAM_H

#include "lib/request.h"

enum team_field { TEAM_EMAIL, TEAM_NAME, TEAM_ROLE, TEAM_LANGUAGE, TEAM__MAX };
extern const struct field team_fields[TEAM__MAX + 1];

/* GET: the shop's admins and the form that invites one more. */
void customers_team(struct request *req);

/* POST: adds the admin, without a password, and mails them a link to
 * choose one (valid three days); an address already on the team is told
 * so (409). */
void customers_team_invite(struct request *req);

/* POST /admin/team/#/invite: the invitation mailed again to an admin who
 * never chose a password (a new link; the older ones work until one is
 * used); the same limit as new invitations. */
void customers_team_invite_again(struct request *req);

/* A field the route refused: the page again with what was typed. */
void customers_team_invalid(struct request *req);

/* POST /admin/team/#/disable and /enable: one admin of the shop, not the
 * owner who asks; a disable signs them out everywhere and ends their
 * mailed links (lib/admin_access.c). */
void customers_team_disable(struct request *req);
void customers_team_enable(struct request *req);

/* POST /admin/team/#/role: one admin of the shop, not the owner who asks,
 * made owner or staff (role); the last enabled owner stays one. */
enum team_role_field { TEAM_ROLE_FIELD_ROLE, TEAM_ROLE_FIELD__MAX };
extern const struct field team_role_fields[TEAM_ROLE_FIELD__MAX + 1];
void customers_team_role(struct request *req);

#endif
