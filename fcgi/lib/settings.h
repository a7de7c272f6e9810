/*
 * Reading the one configuration file (HDF) that every program and the CLI
 * share. Path from FIDELE_CONFIG, else the build's default.
 */
#ifndef FIDELE_SETTINGS_H
#define FIDELE_SETTINGS_H

#include "clearsilver.h"

/* The configuration file's path: FIDELE_CONFIG, else the build's default. */
const char *settings_path(void);

/* Loads the configuration. Returns a tree the caller owns (hdf_destroy), or
 * NULL after printing why to stderr. Warns (log.h) when every user of the
 * server may read the file. */
HDF *settings_load(void);

/* The data directory (templates, lang, static, sql): Paths.Data in the
 * config, else the install default. Never NULL; owned by the tree. */
const char *settings_data_dir(HDF *config);

/* The folder uploads are written to while a request reads them
 * (Spool.Dir), one folder per shop inside it: the install default,
 * $(localstatedir)/spool/fidele, unless set. Never NULL; owned by the tree. */
const char *settings_spool_dir(HDF *config);

/* The installation's secret (Security.Secret), the key of every token
 * HMAC. Returns it (owned by the tree), or NULL after logging (log.h) why
 * it will not do: unset, shorter than 32
 * characters, or a placeholder from the example. Every program calls it
 * before it starts. */
const char *settings_secret(HDF *config);

/* Why the secret will not do ("is not set", ...), NULL when it will:
 * settings_secret's check, without logging. */
const char *settings_secret_problem(HDF *config);

#endif
