#!/bin/bash
# Initialise the database with our addons on first start, then hand over to the image's
# own entrypoint (which adds the database options from HOST/USER/PASSWORD).
set -euo pipefail

DB_NAME=${PF_DB:-purchase}
export PGHOST=${HOST:-db} PGPORT=${PORT:-5432} PGUSER=${USER:-odoo} PGPASSWORD=${PASSWORD:-odoo}

wait-for-psql.py --db_host "$PGHOST" --db_port "$PGPORT" --db_user "$PGUSER" \
    --db_password "$PGPASSWORD" --timeout 60

state=$(psql -d "$DB_NAME" -tAc \
    "SELECT state FROM ir_module_module WHERE name = 'purchase_bot'" 2>/dev/null || true)
if [ "$state" != "installed" ]; then
    echo "Initialising database $DB_NAME with purchase_forecast and purchase_bot"
    demo=()
    if [ "${DEMO:-0}" = "1" ]; then demo=(--with-demo); fi
    /entrypoint.sh odoo --database "$DB_NAME" --init purchase_forecast,purchase_bot \
        "${demo[@]}" --stop-after-init --no-http
fi

exec /entrypoint.sh "$@" --database "$DB_NAME"
