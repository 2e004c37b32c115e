#!/bin/sh
# Creates the service's own role and database, `iurc`, beside Temporal's.
#
# The postgres image runs the files in /docker-entrypoint-initdb.d once, when it initialises an
# empty data volume, as POSTGRES_USER (here `temporal`, which owns the `temporal` database;
# deploy/temporal/setup-schema.sh creates `temporal_visibility`). The worker connects as `iurc`, which owns its
# database and nothing else: it can apply the service's migrations but cannot touch Temporal's
# data. Changing IURC_DB_PASSWORD later does not change an existing role: use ALTER ROLE.
#
# The body runs in a subshell, so `set -eu` holds whether the image executes this file or
# sources it (it sources files that are not executable).
(
    set -eu
    : "${IURC_DB_PASSWORD:?IURC_DB_PASSWORD must be set (docker-compose.yml passes it)}"
    psql --set ON_ERROR_STOP=1 --no-psqlrc \
        --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        --set iurc_password="$IURC_DB_PASSWORD" <<'SQL'
CREATE ROLE iurc LOGIN PASSWORD :'iurc_password';
CREATE DATABASE iurc OWNER iurc;
SQL
)
