#!/bin/sh
# Creates the namespace unless it exists, then registers the pairing search attributes
# (workflows/search_attributes.py) on it.
#
# A workflow that upserts an unregistered attribute fails its task until the attribute exists,
# so docker-compose.yml starts the worker only after this has succeeded. Safe to run again: an
# existing namespace is kept as it is; an attribute that already exists with the same type is
# fine; one with another type is an error, because the workflows would fail against it.
#
#   TEMPORAL_ADDRESS              frontend host:port (default temporal:7233)
#   TEMPORAL_NAMESPACE            namespace (default default)
#   TEMPORAL_NAMESPACE_RETENTION  how long a new namespace keeps closed workflows (default 720h)
#   REGISTER_ATTEMPTS             how often to ask for a healthy frontend, 2 s apart (default 60)
set -eu

address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_NAMESPACE_RETENTION:-720h}"
attempts="${REGISTER_ATTEMPTS:-60}"

# The server's own healthcheck only sees its port open; this waits until it serves.
tries=0
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge "$attempts" ]; then
        echo "no healthy Temporal frontend at $address after $attempts attempts" >&2
        exit 1
    fi
    echo "waiting for the Temporal frontend at $address ($tries/$attempts)"
    sleep 2
done

# The temporalio/server image creates no namespace (auto-setup did): this does, once.
if temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
    echo "namespace $namespace exists"
elif output=$(temporal operator namespace create --address "$address" \
    --namespace "$namespace" --retention "$retention" 2>&1); then
    echo "namespace $namespace created (retention $retention)"
else
    # Another run may have created it in between; anything else is an error.
    if ! temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
        echo "namespace $namespace could not be created at $address: $output" >&2
        exit 1
    fi
fi

register() {
    name="$1"
    type="$2"
    tries=0
    until output=$(temporal operator search-attribute create --address "$address" \
        --namespace "$namespace" --name "$name" --type "$type" 2>&1); do
        case "$output" in
            *"different type"*)
                echo "$name: already registered with another type than $type: $output" >&2
                return 1
                ;;
            *"already exists"*)
                echo "$name ($type): already registered"
                return 0
                ;;
            *"not found"*)
                # A namespace just created reaches the server's namespace cache a few
                # seconds later; until then it is "not found" here.
                tries=$((tries + 1))
                if [ "$tries" -ge "$attempts" ]; then
                    echo "$name ($type): $output" >&2
                    return 1
                fi
                sleep 2
                ;;
            *)
                echo "$name ($type): $output" >&2
                return 1
                ;;
        esac
    done
    echo "$name ($type): registered"
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
