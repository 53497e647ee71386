#!/bin/sh
# Talks to Argo CD's API for an environment on another cluster than the pipeline's, where kubectl
# cannot reach the Rollout: waits for the Application's sync and health at a revision, or runs one
# of Argo CD's Rollout resource actions (resume, abort). Needs curl and jq.
#
# Usage: argocd-app.sh wait | promote | abort   (or ARGOCD_COMMAND in the environment)
#
#   wait     polls GET /api/v1/applications/<ARGOCD_APPLICATION> until status.sync.revision is
#            REVISION (when set), status.sync.status is Synced, IMAGE (when set) is one of
#            status.summary.images, and status.health.status is Healthy (or Suspended: a Rollout
#            paused for promotion, unless ACCEPT_PAUSED=no). Degraded or Missing fails at once.
#   promote  runs the Rollout action "resume" (what `kubectl argo rollouts promote` does to a paused
#            Rollout: the remaining steps and analysis still run, unlike "promote-full");
#   abort    runs the Rollout action "abort".
#            Both: POST /api/v1/applications/<app>/resource/actions/v2 (argo-cd v3
#            server/application/application.go RunResourceActionV2; the actions are Lua scripts
#            of resource_customizations/argoproj.io/Rollout/actions).
#
# Environment:
#   ARGOCD_SERVER       https:// URL of the Argo CD API server (http:// only for 127.0.0.1/localhost)
#   ARGOCD_AUTH_TOKEN   a token of the Argo CD project role (from a Secret; never an argument)
#   ARGOCD_APPLICATION  the environment's Application (required)
#   APP_NAME            the Rollout (required for promote and abort)
#   NAMESPACE           its namespace (required for promote and abort)
#   REVISION, IMAGE     what wait expects (optional)
#   ACCEPT_PAUSED    yes (default) or no
#   TIMEOUT_SECONDS     how long wait waits (default: 900); POLL_SECONDS between checks (default: 10)
#   REQUEST_SECONDS     bound of one request (default: 30)
# Exit status: 0 done; 1 Degraded, refused by Argo CD, or timed out while Argo CD answered; 2 a
# wrong argument or setting; 75 Argo CD could not be reached (unreachable, TLS failure, a request
# timed out, or HTTP 5xx) for an action, or for the whole wait: may heal by itself, and the only
# status a workflow retries.
set -eu
export LC_ALL=C

fail() {
  status="$1"
  shift
  echo "argocd-app: error: $*" >&2
  exit "$status"
}

COMMAND="${1:-${ARGOCD_COMMAND:-}}"
ARGOCD_SERVER="${ARGOCD_SERVER:-}"
ARGOCD_AUTH_TOKEN="${ARGOCD_AUTH_TOKEN:-}"
ARGOCD_APPLICATION="${ARGOCD_APPLICATION:-}"
APP_NAME="${APP_NAME:-}"
NAMESPACE="${NAMESPACE:-}"
REVISION="${REVISION:-}"
IMAGE="${IMAGE:-}"
ACCEPT_PAUSED="${ACCEPT_PAUSED:-yes}"
TIMEOUT_SECONDS="${TIMEOUT_SECONDS:-900}"
POLL_SECONDS="${POLL_SECONDS:-10}"
REQUEST_SECONDS="${REQUEST_SECONDS:-30}"

# shellcheck source=include/names.sh
. "$(dirname -- "$0")/include/names.sh" # include

case "$COMMAND" in
  wait | promote | abort) ;;
  *) fail 2 "usage: argocd-app.sh wait | promote | abort, got \"$COMMAND\"" ;;
esac
# Whole values only (`case` matches the entire string): nothing reaches a URL, a curl config or
# JSON that could change its meaning.
case "$ARGOCD_SERVER" in
  https://* | http://127.0.0.1:* | http://127.0.0.1 | http://localhost:* | http://localhost) ;;
  *) fail 2 "ARGOCD_SERVER must be the https:// URL of the Argo CD API server, got \"$ARGOCD_SERVER\"" ;;
esac
case "$ARGOCD_SERVER" in
  *[!A-Za-z0-9.:/_-]* | *//*/* | *@*) fail 2 "ARGOCD_SERVER must be scheme://host[:port] only, got \"$ARGOCD_SERVER\"" ;;
esac
ARGOCD_SERVER="${ARGOCD_SERVER%/}"
case "$ARGOCD_AUTH_TOKEN" in
  '') fail 2 "ARGOCD_AUTH_TOKEN is empty: create a token of the project role (docs/pipeline.md) and put it in the Secret" ;;
  *[!A-Za-z0-9._-]*) fail 2 "ARGOCD_AUTH_TOKEN is not a token (a JWT: letters, digits, '.', '_' and '-')" ;;
esac
dns_label "$ARGOCD_APPLICATION" || fail 2 "ARGOCD_APPLICATION \"$ARGOCD_APPLICATION\" is not an Application name"
for n in "$TIMEOUT_SECONDS" "$POLL_SECONDS" "$REQUEST_SECONDS"; do
  case "$n" in
    '' | *[!0-9]*) fail 2 "TIMEOUT_SECONDS, POLL_SECONDS and REQUEST_SECONDS must be numbers, got \"$n\"" ;;
  esac
done
case "$ACCEPT_PAUSED" in
  yes | no) ;;
  *) fail 2 "ACCEPT_PAUSED must be yes or no, got \"$ACCEPT_PAUSED\"" ;;
esac
case "$REVISION" in
  *[!a-f0-9]*) fail 2 "REVISION must be a commit id, got \"$REVISION\"" ;;
esac
case "$IMAGE" in
  *[!A-Za-z0-9_./:@-]*) fail 2 "IMAGE \"$IMAGE\" is not an image reference" ;;
esac

TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$TMP_DIR"' EXIT

# One request; prints the HTTP status, the body goes to $TMP_DIR/body. The token reaches curl on
# its standard input (a config line), never in its arguments, so no process listing shows it.
request() {
  method="$1"
  url="$2"
  data="${3:-}"
  set -- --silent --show-error --max-time "$REQUEST_SECONDS" --output "$TMP_DIR/body" --write-out '%{http_code}' \
    --request "$method" --header 'Accept: application/json' --config -
  if [ -n "$data" ]; then
    set -- "$@" --header 'Content-Type: application/json' --data "$data"
  fi
  # curl prints its own "000" when it got no answer: the status it printed is kept only when it
  # succeeded, so a failure is exactly "000" (not "000000", which no case below would match).
  if out="$(printf 'header = "Authorization: Bearer %s"\n' "$ARGOCD_AUTH_TOKEN" | curl "$@" -- "$url" 2> "$TMP_DIR/err")"; then
    printf '%s\n' "$out"
  else
    # Not reached, refused, TLS failed, timed out (curl exit 6, 7, 28, 35, 60...): no answer.
    sed 's/^/argocd-app: /' "$TMP_DIR/err" >&2
    echo 000
  fi
}

app_url="$ARGOCD_SERVER/api/v1/applications/$ARGOCD_APPLICATION"

if [ "$COMMAND" != wait ]; then
  dns_label "$APP_NAME" || fail 2 "APP_NAME \"$APP_NAME\" is not a DNS-1123 label"
  dns_label "$NAMESPACE" || fail 2 "NAMESPACE \"$NAMESPACE\" is not a DNS-1123 label"
  case "$COMMAND" in
    promote) action=resume ;;
    abort) action=abort ;;
  esac
  # ResourceActionRunRequestV2 (argo-cd v3 pkg/apiclient/application/application.proto).
  body="$(jq -cn --arg name "$ARGOCD_APPLICATION" --arg ns "$NAMESPACE" --arg rn "$APP_NAME" --arg action "$action" \
    '{name: $name, namespace: $ns, resourceName: $rn, group: "argoproj.io", kind: "Rollout", version: "v1alpha1", action: $action}')"
  echo "argocd-app: running the Rollout action $action on $APP_NAME in $NAMESPACE through Argo CD (Application $ARGOCD_APPLICATION)"
  code="$(request POST "$app_url/resource/actions/v2" "$body")"
  case "$code" in
    2??) echo "argocd-app: $action done"; exit 0 ;;
    000) fail 75 "Argo CD could not be reached for the $action of $APP_NAME (unreachable, TLS failure or timeout; above): nothing was done" ;;
    5??) fail 75 "Argo CD did not answer the $action of $APP_NAME (HTTP $code)" ;;
    401 | 403) fail 2 "Argo CD refused the token for the $action of $APP_NAME (HTTP $code): check the project role and its token" ;;
    *) fail 1 "Argo CD refused the $action of $APP_NAME (HTTP $code): $(head -c 500 "$TMP_DIR/body" 2>/dev/null || true)" ;;
  esac
fi

start="$(date +%s)"
state="no answer from Argo CD yet"
answered=no
echo "argocd-app: waiting up to ${TIMEOUT_SECONDS}s for Application $ARGOCD_APPLICATION${REVISION:+ at $REVISION}${IMAGE:+ running $IMAGE}"
while :; do
  if [ $(( $(date +%s) - start )) -ge "$TIMEOUT_SECONDS" ]; then
    # Argo CD's last word decides: it answered and the Application did not get there (1), or it
    # could not be asked at all (75: may heal by itself, a retry may tell).
    [ "$answered" = yes ] || fail 75 "timed out after ${TIMEOUT_SECONDS}s without an answer from Argo CD: $state"
    fail 1 "timed out after ${TIMEOUT_SECONDS}s: $state (see: argocd app get $ARGOCD_APPLICATION)"
  fi
  code="$(request GET "$app_url")"
  case "$code" in
    000 | 5??) answered=no ;;
    *) answered=yes ;;
  esac
  case "$code" in
    200)
      # revision, sync status, health status, and whether IMAGE is among the summary's images.
      facts="$(jq -r --arg image "$IMAGE" '[.status.sync.revision // "-", .status.sync.status // "-", .status.health.status // "-",
        (if $image == "" or ((.status.summary.images // []) | index($image)) then "yes" else "no" end)] | join(" ")' "$TMP_DIR/body" 2>/dev/null || echo "- - - no")"
      # shellcheck disable=SC2086 # four words
      set -- $facts
      if [ -n "$REVISION" ] && [ "$1" != "$REVISION" ]; then
        state="Application $ARGOCD_APPLICATION is at revision $1, not yet $REVISION"
      elif [ "$2" != Synced ]; then
        state="Application $ARGOCD_APPLICATION is $2"
      elif [ "$4" != yes ]; then
        state="Application $ARGOCD_APPLICATION does not run $IMAGE"
      else
        case "$3" in
          Healthy) echo "argocd-app: $ARGOCD_APPLICATION is Synced and Healthy${REVISION:+ at $REVISION}"; exit 0 ;;
          Suspended)
            if [ "$ACCEPT_PAUSED" = yes ]; then
              echo "argocd-app: $ARGOCD_APPLICATION is Synced and Suspended (a Rollout waits for promotion): check the preview, then run promote-java-app (or abort-java-app)"
              exit 0
            fi
            ;;
          Degraded | Missing) fail 1 "Application $ARGOCD_APPLICATION is $3${REVISION:+ at $REVISION} (see: argocd app get $ARGOCD_APPLICATION)" ;;
        esac
        state="Application $ARGOCD_APPLICATION is Synced and $3"
      fi
      ;;
    401 | 403 | 404) fail 2 "Argo CD answered HTTP $code for Application $ARGOCD_APPLICATION: check its name, the project role and its token" ;;
    000) state="Argo CD could not be reached (unreachable, TLS failure or timeout)" ;;
    *) state="Argo CD answered HTTP $code" ;;
  esac
  echo "argocd-app: $state"
  sleep "$POLL_SECONDS"
done
