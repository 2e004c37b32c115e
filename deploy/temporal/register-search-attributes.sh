#!/bin/sh
# Registers the pairing search attributes (workflows/search_attributes.py) on the namespace.
#
# A workflow that upserts an unregistered attribute fails its task until the attribute exists,
# so docker-compose.yml starts the worker only after this has succeeded. Safe to run again: an
# attribute that already exists with the same type is fine; one with another type is an error,
# because the workflows would fail against it.
#
#   TEMPORAL_ADDRESS    frontend host:port (default temporal:7233)
#   TEMPORAL_NAMESPACE  namespace (default default)
#   REGISTER_ATTEMPTS   how often to look for the namespace, 2 s apart (default 60)
set -eu

address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
attempts="${REGISTER_ATTEMPTS:-60}"

# The auto-setup image creates the namespace in the background once the frontend serves, so
# the server can be healthy a moment before the namespace exists.
tries=0
until temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge "$attempts" ]; then
        echo "namespace $namespace not found at $address after $attempts attempts" >&2
        exit 1
    fi
    echo "waiting for namespace $namespace at $address ($tries/$attempts)"
    sleep 2
done

register() {
    name="$1"
    type="$2"
    if output=$(temporal operator search-attribute create --address "$address" \
        --namespace "$namespace" --name "$name" --type "$type" 2>&1); then
        echo "$name ($type): registered"
        return 0
    fi
    case "$output" in
        *"different type"*)
            echo "$name: already registered with another type than $type: $output" >&2
            return 1
            ;;
        *"already exists"*)
            echo "$name ($type): already registered"
            ;;
        *)
            echo "$name ($type): $output" >&2
            return 1
            ;;
    esac
}

# One line per key of ALL_SEARCH_ATTRIBUTES; tests/deploy/test_compose.py checks that they match.
register IurcStage Keyword
register IurcStatus Keyword
register IurcEuCity Keyword
register IurcPartnerCity Keyword
register IurcCycle Int
register IurcTopics KeywordList
register IurcStale Bool
register IurcEscalationLevel Int
register IurcLastActivity Datetime

echo "search attributes registered on namespace $namespace"
