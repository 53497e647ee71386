#!/bin/sh
# Waits until Argo CD has applied the new image and the app's Rollout has settled on it.
#
# Done by polling with kubectl rather than `kubectl argo rollouts status`, because that command
# can return for the old revision before Argo CD has synced the change. The wait is over when:
#   1. the live Rollout (or the Deployment its workloadRef names) runs IMAGE, which only happens
#      once Argo CD has synced the GitOps commit, and
#   2. the Rollout controller has observed that generation, and
#   3. the Rollout's phase is Healthy, or Paused (a blue-green rollout waiting for promotion).
# A Degraded phase fails at once.
#
# Environment:
#   APP_NAME          name of the Rollout (required)
#   NAMESPACE         its namespace (default: the environment's, from ENVIRONMENT_NAMESPACES)
#   ENVIRONMENT       the environment, used when NAMESPACE is empty
#   ENVIRONMENT_NAMESPACES  "env=namespace ..." of the platform's environments; an environment not
#                     listed is taken to live in the namespace of its own name
#   IMAGE             the image that was deployed (required)
#   TIMEOUT_SECONDS   how long to wait (default: 900)
#   POLL_SECONDS      time between checks (default: 10)
#   ACCEPT_PAUSED     yes (default): Paused ends the wait; no: only Healthy does (a promotion's
#                     source must be fully released, not waiting with its preview)
# Exit status: 0 Healthy or Paused on IMAGE; 1 Degraded or timed out; 2 a wrong argument.
set -eu
export LC_ALL=C

fail() {
  echo "wait-rollout: error: $*" >&2
  exit "${FAIL_STATUS:-1}"
}

# Exit status 2: a wrong argument, which no retry can heal.
usage_error() {
  FAIL_STATUS=2 fail "$*"
}

# shellcheck source=include/names.sh
. "$(dirname -- "$0")/include/names.sh" # include

APP_NAME="${APP_NAME:-}"
NAMESPACE="${NAMESPACE:-}"
ENVIRONMENT="${ENVIRONMENT:-}"
[ -n "$NAMESPACE" ] || NAMESPACE="$(namespace_of "$ENVIRONMENT")"
IMAGE="${IMAGE:-}"
TIMEOUT_SECONDS="${TIMEOUT_SECONDS:-900}"
POLL_SECONDS="${POLL_SECONDS:-10}"
ACCEPT_PAUSED="${ACCEPT_PAUSED:-yes}"

[ -n "$APP_NAME" ] || usage_error "APP_NAME is not set"
[ -n "$NAMESPACE" ] || usage_error "neither NAMESPACE nor ENVIRONMENT is set"
[ -n "$IMAGE" ] || usage_error "IMAGE is not set"
dns_label "$APP_NAME" || usage_error "APP_NAME \"$APP_NAME\" is not a DNS-1123 label"
dns_label "$NAMESPACE" || usage_error "NAMESPACE \"$NAMESPACE\" is not a DNS-1123 label"
case "$IMAGE" in
  [a-z0-9]*) ;;
  *) usage_error "IMAGE \"$IMAGE\" is not an image reference" ;;
esac
case "$IMAGE" in
  *[!A-Za-z0-9_./:@-]*) usage_error "IMAGE \"$IMAGE\" is not an image reference" ;;
esac
case "$ACCEPT_PAUSED" in
  yes | no) ;;
  *) usage_error "ACCEPT_PAUSED must be yes or no, got \"$ACCEPT_PAUSED\"" ;;
esac
for n in "$TIMEOUT_SECONDS" "$POLL_SECONDS"; do
  case "$n" in
    '' | *[!0-9]*) usage_error "TIMEOUT_SECONDS and POLL_SECONDS must be numbers, got \"$n\"" ;;
  esac
done

# Prints "observed" when the Rollout controller has seen the live pod template ("pending" otherwise),
# then the images of that template: the Rollout's own template (generation = status.observedGeneration), or the
# Deployment its workloadRef names (its generation = status.workloadObservedGeneration).
live_state() {
  rollout="$(kubectl get rollouts.argoproj.io "$APP_NAME" -n "$NAMESPACE" \
    -o 'jsonpath={.spec.workloadRef.kind}/{.spec.workloadRef.name} {.metadata.generation} {.status.observedGeneration} {.status.workloadObservedGeneration}' 2>/dev/null)" || return 1
  # shellcheck disable=SC2086 # split the four fields into $1..$4
  set -- $rollout
  case "$1" in
    Deployment/?*)
      deployment="$(kubectl get deployments.apps "${1#Deployment/}" -n "$NAMESPACE" \
        -o 'jsonpath={.metadata.generation} {.spec.template.spec.containers[*].image}' 2>/dev/null)" || return 1
      generation="${deployment%% *}"
      images="${deployment#* }"
      observed="${4:-}"
      ;;
    *)
      generation="${2:-}"
      observed="${3:-}"
      images="$(kubectl get rollouts.argoproj.io "$APP_NAME" -n "$NAMESPACE" -o 'jsonpath={.spec.template.spec.containers[*].image}' 2>/dev/null)" || return 1
      ;;
  esac
  if [ -n "$generation" ] && [ "$generation" = "$observed" ]; then
    echo "observed $images"
  else
    echo "pending $images"
  fi
}

start="$(date +%s)"
state="waiting for Argo CD to apply the new image"
echo "wait-rollout: waiting up to ${TIMEOUT_SECONDS}s for rollout $APP_NAME in $NAMESPACE to run $IMAGE"
while :; do
  now="$(date +%s)"
  if [ $((now - start)) -ge "$TIMEOUT_SECONDS" ]; then
    fail "timed out after ${TIMEOUT_SECONDS}s: $state (check the Argo CD Application and: kubectl argo rollouts get rollout $APP_NAME -n $NAMESPACE)"
  fi
  live="$(live_state || true)"
  images="${live#* }"
  case "${live%% *} $images " in
    "observed"*" $IMAGE "*)
      phase="$(kubectl get rollouts.argoproj.io "$APP_NAME" -n "$NAMESPACE" -o 'jsonpath={.status.phase}' 2>/dev/null || true)"
      case "$phase" in
        Healthy)
          echo "wait-rollout: $APP_NAME is Healthy on $IMAGE"
          exit 0
          ;;
        Paused)
          [ "$ACCEPT_PAUSED" = yes ] || { state="rollout $APP_NAME is Paused on $IMAGE (not yet promoted)"; echo "wait-rollout: $state"; sleep "$POLL_SECONDS"; continue; }
          echo "wait-rollout: $APP_NAME is Paused on $IMAGE: check the preview, then run promote-java-app (or abort-java-app)"
          exit 0
          ;;
        Degraded)
          fail "rollout $APP_NAME is Degraded on $IMAGE (see: kubectl argo rollouts get rollout $APP_NAME -n $NAMESPACE)"
          ;;
      esac
      state="rollout $APP_NAME is ${phase:-not ready} on $IMAGE"
      ;;
    "pending"*" $IMAGE "*)
      state="the Rollout controller has not yet observed the new template of $APP_NAME"
      ;;
    *)
      state="rollout $APP_NAME does not run $IMAGE yet (live: ${images:-unknown})"
      ;;
  esac
  echo "wait-rollout: $state"
  sleep "$POLL_SECONDS"
done
