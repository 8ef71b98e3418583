#!/usr/bin/env bash
# The PostgreSQL server the database tests start throw-away clusters of, from the distribution's
# packages. Run by `make test` and CI: installs it when it is missing and this user can (root,
# apt-get); otherwise says so, and the PostgreSQL runs are reported as not run (CI sets
# STUDYBOT_REQUIRE_POSTGRES=1, which fails them instead).
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing the PostgreSQL server for the database tests (apt-get)…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
else
    echo "PostgreSQL is not installed and cannot be installed here (needs root and apt-get):" \
        "the PostgreSQL runs of the tests will be reported as not run."
fi
