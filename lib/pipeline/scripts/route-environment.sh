#!/bin/sh
# Says how the pipeline reaches an environment's Rollout, for the steps that branch on it: writes
# "kubectl" (the pipeline's own cluster) or "argocd" (another cluster, through Argo CD's API) to
# OUT_DIR/mode, the Rollout's namespace to OUT_DIR/namespace and the environment's Argo CD
# Application (empty for kubectl) to OUT_DIR/application.
#
# Environment:
#   ENVIRONMENT             the environment (may be empty when NAMESPACE is given: kubectl then)
#   NAMESPACE               the Rollout's namespace (default: the environment's)
#   ENVIRONMENT_NAMESPACES  "env=namespace ..." of the platform's environments (fixed at synth)
#   ARGOCD_APPLICATIONS     "env=application ..." of the environments on other clusters (fixed at synth)
#   OUT_DIR                 where to write mode and namespace (default: /tmp)
# Exit status: 0 written; 2 a wrong argument.
set -eu
export LC_ALL=C

fail() {
  echo "route-environment: error: $*" >&2
  exit 2
}

# shellcheck source=include/names.sh
. "$(dirname -- "$0")/include/names.sh" # include

ENVIRONMENT="${ENVIRONMENT:-}"
NAMESPACE="${NAMESPACE:-}"
OUT_DIR="${OUT_DIR:-/tmp}"
[ -n "$ENVIRONMENT" ] || [ -n "$NAMESPACE" ] || fail "give the environment (or the namespace of a Rollout on the pipeline's cluster)"
[ -z "$ENVIRONMENT" ] || dns_label "$ENVIRONMENT" || fail "environment \"$ENVIRONMENT\" is not a DNS-1123 label"
[ -z "$NAMESPACE" ] || dns_label "$NAMESPACE" || fail "namespace \"$NAMESPACE\" is not a DNS-1123 label"

mode=kubectl
application=
if [ -n "$ENVIRONMENT" ]; then
  for pair in ${ARGOCD_APPLICATIONS:-}; do
    case "$pair" in
      "$ENVIRONMENT="?*) mode=argocd application="${pair#*=}" ;;
    esac
  done
  [ -n "$NAMESPACE" ] || NAMESPACE="$(namespace_of "$ENVIRONMENT")"
fi
printf '%s\n' "$mode" > "$OUT_DIR/mode"
printf '%s\n' "$NAMESPACE" > "$OUT_DIR/namespace"
printf '%s\n' "$application" > "$OUT_DIR/application"
echo "route-environment: ${ENVIRONMENT:-the Rollout} in $NAMESPACE is reached through $mode"
