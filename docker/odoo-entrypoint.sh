#!/bin/bash
# Start Odoo for the compose stack: refuse to start without the secrets, write the server's
# configuration with the master password and the worker count, initialise the database with
# our addons on the first start (with a generated administrator password, printed once),
# then hand over to the image's own entrypoint (which adds the database options from
# HOST/USER/PASSWORD). PF_ROLE=jobs starts a job worker instead: it never initialises the
# database, it waits until the web service has.
set -euo pipefail

fail() {
    echo "purchase-forecast: $*" >&2
    exit 64
}

[ -n "${PASSWORD:-}" ] || fail "PASSWORD is not set: put POSTGRES_PASSWORD=... in .env (see .env.example)"
[ -n "${ODOO_MASTER_PASSWORD:-}" ] ||
    fail "ODOO_MASTER_PASSWORD is not set: put ODOO_MASTER_PASSWORD=... in .env (see .env.example)"
[ "${#ODOO_MASTER_PASSWORD}" -ge 12 ] || fail "ODOO_MASTER_PASSWORD must have at least 12 characters"
workers=${ODOO_WORKERS:-3}
[[ "$workers" =~ ^[0-9]+$ ]] || fail "ODOO_WORKERS must be a whole number, not '$workers'"

DB_NAME=${PF_DB:-purchase}
IMAGE_ENTRYPOINT=${PF_IMAGE_ENTRYPOINT:-/entrypoint.sh}  # the official image's
SOURCE_RC=${PF_SOURCE_RC:-/etc/odoo/odoo.conf}
export ODOO_RC=${PF_RC:-/var/lib/odoo/odoo.conf}
export PGHOST=${HOST:-db} PGPORT=${PORT:-5432} PGUSER=${USER:-odoo} PGPASSWORD=$PASSWORD

# the mounted odoo.conf plus what must not live in the repository: the master password
umask 077
PF_WORKERS=$workers awk '{ print } /^\[options\]/ {
    print "workers = " ENVIRON["PF_WORKERS"]
    print "admin_passwd = " ENVIRON["ODOO_MASTER_PASSWORD"]
}' "$SOURCE_RC" >"$ODOO_RC"

wait-for-psql.py --db_host "$PGHOST" --db_port "$PGPORT" --db_user "$PGUSER" \
    --db_password "$PGPASSWORD" --timeout 60

installed() {
    [ "$(psql -d "$DB_NAME" -tAc \
        "SELECT state FROM ir_module_module WHERE name = 'purchase_bot'" 2>/dev/null || true)" = installed ]
}

role=${PF_ROLE:-web}
case "$role" in
web) ;;
jobs)
    # a job worker (docs/forecasting.md, "Several hosts"): the web service initialises the
    # database; this one waits for it, then serves the job runner's requests
    waited=0
    until installed; do
        [ "$waited" -lt "${PF_WAIT_SECONDS:-900}" ] ||
            fail "database $DB_NAME was not initialised by the web service in ${PF_WAIT_SECONDS:-900} s"
        sleep 5
        waited=$((waited + 5))
    done
    exec "$IMAGE_ENTRYPOINT" "$@" --database "$DB_NAME"
    ;;
*) fail "PF_ROLE must be web or jobs, not '$role'" ;;
esac

if ! installed; then
    echo "Initialising database $DB_NAME with purchase_forecast and purchase_bot"
    demo=()
    if [ "${DEMO:-0}" = "1" ]; then demo=(--with-demo); fi
    "$IMAGE_ENTRYPOINT" odoo --database "$DB_NAME" --init purchase_forecast,purchase_bot \
        "${demo[@]}" --stop-after-init --no-http
    admin_password=${ODOO_ADMIN_PASSWORD:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')}
    PF_ADMIN_PASSWORD=$admin_password "$IMAGE_ENTRYPOINT" odoo shell --database "$DB_NAME" \
        --no-http --log-level=warn <<'PY'
import os
env.ref("base.user_admin").password = os.environ["PF_ADMIN_PASSWORD"]
env.cr.commit()
PY
    if [ -z "${ODOO_ADMIN_PASSWORD:-}" ]; then
        echo "================================================================"
        echo " Odoo administrator: login 'admin', password '$admin_password'"
        echo " (shown once, on this first start: change it in Odoo's Preferences)"
        echo "================================================================"
    fi
fi

exec "$IMAGE_ENTRYPOINT" "$@" --database "$DB_NAME"
