#!/bin/sh
# Creates or upgrades the Temporal server's schemas in PostgreSQL, then exits: the one-shot step
# that docker-compose.yml runs (in the temporalio/admin-tools image, the same version as the
# server) before the Temporal server starts, and again on every `docker compose up`.
#
# For each of Temporal's two databases, with temporal-sql-tool as Temporal documents it:
#   create-database          creates it; an existing database is not an error
#   setup-schema -v 0.0      the schema-version tables; an existing schema keeps its version
#   update-schema -d <dir>   applies whatever versioned schema changes this release adds
# so a first start creates everything, and a start after an image upgrade migrates the schemas
# before the new server runs. Upgrade the server one minor version at a time.
#
#   POSTGRES_SEEDS, DB_PORT, POSTGRES_USER   where PostgreSQL is and who owns the databases
#   SQL_PASSWORD                             that user's password (temporal-sql-tool reads it)
#   DB                                       the SQL plugin (default postgres12)
#   DBNAME, VISIBILITY_DBNAME                the databases (default temporal, temporal_visibility)
#   SCHEMA_DIR                               the image's schema folder for the plugin
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must be set (docker-compose.yml passes it)}"
: "${POSTGRES_USER:?POSTGRES_USER must be set (docker-compose.yml passes it)}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set: docker-compose.yml passes POSTGRES_PASSWORD}"
plugin="${DB:-postgres12}"
port="${DB_PORT:-5432}"
schema_dir="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

# The same rule as the worker's for its own password (iurc/settings.py): no default ones.
case "$(printf '%s' "$SQL_PASSWORD" | tr '[:upper:]' '[:lower:]')" in
    "" | temporal | postgres | iurc | password | changeme | secret | admin | root | "$POSTGRES_USER")
        echo "refusing a default PostgreSQL password: set POSTGRES_PASSWORD in .env to a long random string (openssl rand -hex 24)" >&2
        exit 1
        ;;
esac

# The password travels in SQL_PASSWORD, never on the command line (ps shows arguments).
sql_tool() {
    temporal-sql-tool --plugin "$plugin" --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"
}

setup() {
    database="$1"
    versioned="$2"
    echo "$database: creating the database unless it exists"
    sql_tool --db "$database" create-database
    echo "$database: schema version tables"
    sql_tool --db "$database" setup-schema -v 0.0
    echo "$database: updating the schema from $versioned"
    sql_tool --db "$database" update-schema -d "$versioned"
}

setup "${DBNAME:-temporal}" "$schema_dir/temporal/versioned"
setup "${VISIBILITY_DBNAME:-temporal_visibility}" "$schema_dir/visibility/versioned"
echo "temporal schemas are up to date"
