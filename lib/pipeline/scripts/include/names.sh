# Included by the deploy-side scripts (update-image.sh, previous-image.sh, promote-release.sh,
# wait-rollout.sh, abort-rollout.sh, route-environment.sh, argocd-app.sh): how an app, environment or
# namespace name is checked, and where an environment's Rollouts live. Run as a file, a script
# sources this one from beside it; in a WorkflowTemplate, the synth puts these lines in place of the
# `. ... # include` line (PipelineTemplate's readScript).

# True when $1 is a DNS-1123 label: lowercase letters, digits and '-', not starting or ending with
# '-', at most 63 characters. `case` matches the whole value, so a newline or a leading '-' cannot
# slip by on a first line as it would with grep.
dns_label() {
  case "$1" in
    '' | -* | *- | *[!a-z0-9-]*) return 1 ;;
  esac
  [ "${#1}" -le 63 ]
}

# Prints the namespace of environment $1: its "env=namespace" entry in ENVIRONMENT_NAMESPACES (fixed
# at synth), or the environment's own name when it has none.
namespace_of() {
  ns="$1"
  for pair in ${ENVIRONMENT_NAMESPACES:-}; do
    case "$pair" in
      "$1="*) ns="${pair#*=}" ;;
    esac
  done
  printf '%s\n' "$ns"
}
