#!/bin/sh
# Aborts an app's Rollout: the stable version keeps (or gets back) all traffic and the new
# ReplicaSet is scaled down. Same request as `kubectl argo rollouts abort` (argo-rollouts
# pkg/kubectl-argo-rollouts/cmd/abort/abort.go: a merge patch {"status":{"abort":true}} on the
# status subresource), with plain kubectl. Git still names the aborted image afterwards: the abort
# workflow then commits the previous one (previous-image.sh, update-image.sh).
#
# Environment:
#   APP_NAME      name of the Rollout (required)
#   ENVIRONMENT   the environment (required unless NAMESPACE is set)
#   NAMESPACE     namespace of the Rollout (default: the environment's, from ENVIRONMENT_NAMESPACES)
#   ENVIRONMENT_NAMESPACES  "env=namespace ..." of the platform's environments
# Exit status: 0 aborted; 2 a wrong argument; 1 kubectl failed.
set -eu
export LC_ALL=C

fail() {
  status="$1"
  shift
  echo "abort-rollout: error: $*" >&2
  exit "$status"
}

# shellcheck source=include/names.sh
. "$(dirname -- "$0")/include/names.sh" # include

APP_NAME="${APP_NAME:-}"
ENVIRONMENT="${ENVIRONMENT:-}"
NAMESPACE="${NAMESPACE:-}"
dns_label "$APP_NAME" || fail 2 "APP_NAME \"$APP_NAME\" is not a DNS-1123 label"
if [ -z "$NAMESPACE" ]; then
  dns_label "$ENVIRONMENT" || fail 2 "ENVIRONMENT \"$ENVIRONMENT\" is not a DNS-1123 label"
  NAMESPACE="$(namespace_of "$ENVIRONMENT")"
fi
dns_label "$NAMESPACE" || fail 2 "NAMESPACE \"$NAMESPACE\" is not a DNS-1123 label"

echo "abort-rollout: aborting rollout $APP_NAME in $NAMESPACE"
kubectl patch rollouts.argoproj.io "$APP_NAME" --namespace "$NAMESPACE" --subresource=status \
  --type=merge --patch '{"status":{"abort":true}}' \
  || fail 1 "cannot abort rollout $APP_NAME in $NAMESPACE"
