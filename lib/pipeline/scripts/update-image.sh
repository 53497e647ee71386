#!/bin/sh
# Deploys one app through Git, rendered: sets the app's line in releases/<environment>.json, runs the
# project's own synth, validation gate and drift gate in that checkout, and pushes ONE commit that
# holds releases/<environment>.json and the re-rendered dist/<environment>/, nothing else. Argo CD
# syncs dist/<environment>/, so what it applies is exactly what the gates checked.
#
# Three phases, each a script of its own: checkout-gitops.sh clones; render-release.sh renders and
# commits, running the repository's code (npm, main.ts, lib/) WITHOUT any credential in its
# environment or files; push-release.sh checks that the rendered commit is exactly the deploy's
# change and pushes it, running no code of the repository. The write credential is taken out of
# this script's own environment first (it runs itself again without it), so no process of the
# render reads it from /proc/<pid>/environ either. In the deploy step each phase is a container of
# its own, and the render's never sees the credential (docs/security.md).
#
# Usage: update-image.sh <app> <environment> <image>
#   (or APP_NAME, ENVIRONMENT and IMAGE in the environment)
#
# Needs git, node and npm on PATH. Environment:
#   GITOPS_REPO      URL or path of the GitOps repository (required)
#   GITOPS_BRANCH    branch to commit to (default: main)
#   GIT_USERNAME, GIT_PASSWORD
#                    credentials for an HTTPS remote (optional); handed to git by a credential
#                    helper that answers only the host of GITOPS_REPO, never through the URL, and
#                    only to the clone and the push, never to the render
#   GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL
#                    identity of the commit (default: gitops-bot <gitops-bot@localhost>)
#   NODE_MODULES_DIR an installed node_modules of the project to link instead of `npm ci`
#                    (default: `npm ci --omit=dev --ignore-scripts`: no lifecycle script runs)
#   INSTALL_SCRIPTS  packages whose install scripts the render runs (`npm rebuild`; default: none)
#   PUSH_ATTEMPTS    how many times to render and push when the branch moved (default: 5)
#   COMMIT_FILE      when set, the commit that holds the change is written to this file
#   IMAGE_FILE       when set, the deployed image is written to this file
#   WORK_DIR         where to clone (default: a new temporary directory, removed on exit)
#
# Exit status: 0 pushed (or the line already had that image); 2 a wrong argument, a missing app or
# a refused image; 3 the synth, the validation gate or the drift gate failed, or the synth changed
# files outside releases/<environment>.json and dist/<environment>/; 75 (EX_TEMPFAIL) a failure
# that may heal by itself (clone, npm ci, push): the only status the workflow retries. Nothing is
# pushed unless every check passed.
set -eu
export LC_ALL=C

# The credential leaves this process's environment before anything else: the script runs itself
# again without GIT_USERNAME/GIT_PASSWORD and reads them from a pipe into unexported variables.
if [ -n "${GIT_USERNAME+set}${GIT_PASSWORD+set}" ]; then
  case "${GIT_USERNAME:-}${GIT_PASSWORD:-}" in
    *"
"*) echo "update-image: error: GIT_USERNAME/GIT_PASSWORD must be one line each" >&2; exit 2 ;;
  esac
  exec env -u GIT_USERNAME -u GIT_PASSWORD UPDATE_IMAGE_CREDENTIALS=fd3 sh "$0" "$@" 3<<EOF
${GIT_USERNAME:-}
${GIT_PASSWORD:-}
EOF
fi
GIT_USERNAME=
GIT_PASSWORD=
if [ "${UPDATE_IMAGE_CREDENTIALS:-}" = fd3 ]; then
  if ! { IFS= read -r GIT_USERNAME && IFS= read -r GIT_PASSWORD; } <&3; then
    echo "update-image: error: UPDATE_IMAGE_CREDENTIALS is internal: set GIT_USERNAME/GIT_PASSWORD instead" >&2
    exit 2
  fi
  exec 3<&-
  unset UPDATE_IMAGE_CREDENTIALS
fi

EXIT_USAGE=2
EXIT_TRANSIENT=75

fail() {
  status="$1"
  shift
  echo "update-image: error: $*" >&2
  exit "$status"
}

usage_error() {
  fail "$EXIT_USAGE" "$*"
}

APP_NAME="${1:-${APP_NAME:-}}"
ENVIRONMENT="${2:-${ENVIRONMENT:-}}"
IMAGE="${3:-${IMAGE:-}}"
GITOPS_REPO="${GITOPS_REPO:-}"
GITOPS_BRANCH="${GITOPS_BRANCH:-main}"
PUSH_ATTEMPTS="${PUSH_ATTEMPTS:-5}"
USAGE="usage: update-image.sh <app> <environment> <image>"

[ -n "$APP_NAME" ] || usage_error "no app name given ($USAGE)"
[ -n "$ENVIRONMENT" ] || usage_error "no environment given ($USAGE)"
[ -n "$IMAGE" ] || usage_error "no image given ($USAGE)"
[ -n "$GITOPS_REPO" ] || usage_error "GITOPS_REPO is not set: give the URL or path of the GitOps repository"

# Every check looks at the whole value: `case` patterns match the entire string, so a value with a
# newline or a leading '-' cannot pass on its first line as it would with grep.
# shellcheck source=include/names.sh
. "$(dirname -- "$0")/include/names.sh" # include
dns_label "$APP_NAME" || usage_error "app name \"$APP_NAME\" is not a DNS-1123 label (lowercase letters, digits and '-')"
dns_label "$ENVIRONMENT" || usage_error "environment \"$ENVIRONMENT\" is not a DNS-1123 label (lowercase letters, digits and '-')"
case "$PUSH_ATTEMPTS" in
  '' | *[!0-9]*) usage_error "PUSH_ATTEMPTS must be a number, got \"$PUSH_ATTEMPTS\"" ;;
esac

# The image must be pinned (a tag other than latest, or a digest) and made of the characters of an
# image reference only, so it can be written into JSON without escaping. The gate checks it again.
case "$IMAGE" in
  [a-z0-9]*) ;;
  *) usage_error "image \"$IMAGE\" is not a valid image reference (registry/repository:tag or registry/repository@sha256:<digest>)" ;;
esac
case "$IMAGE" in
  *[!A-Za-z0-9_./:@-]*) usage_error "image \"$IMAGE\" is not a valid image reference (registry/repository:tag or registry/repository@sha256:<digest>)" ;;
esac
case "$IMAGE" in
  *@sha256:*)
    digest="${IMAGE##*@sha256:}"
    case "$digest" in
      *[!a-f0-9]*) usage_error "image \"$IMAGE\" has a malformed digest (sha256: and 64 hex digits)" ;;
    esac
    [ "${#digest}" -eq 64 ] || usage_error "image \"$IMAGE\" has a malformed digest (sha256: and 64 hex digits)"
    ;;
  *@*) usage_error "image \"$IMAGE\" is not a valid image reference (only sha256 digests are accepted)" ;;
  *)
    name_part="${IMAGE##*/}"
    case "$name_part" in
      *:*) tag="${name_part##*:}" ;;
      *) usage_error "image \"$IMAGE\" has no tag: give a version tag (repository:1.2.3) or a digest (repository@sha256:...)" ;;
    esac
    [ -n "$tag" ] || usage_error "image \"$IMAGE\" has an empty tag: give a version tag or a digest"
    [ "$tag" != "latest" ] || usage_error "image \"$IMAGE\" uses the tag latest, which does not say what runs: give a version tag or a digest"
    ;;
esac

HERE="$(cd "$(dirname -- "$0")" && pwd)"
case "$GITOPS_BRANCH" in
  '' | -* | *..* | *[!A-Za-z0-9._/-]*) usage_error "GITOPS_BRANCH \"$GITOPS_BRANCH\" is not a branch name" ;;
esac
GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-gitops-bot}"
GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-gitops-bot@localhost}"
GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}"
GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}"
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL APP_NAME ENVIRONMENT IMAGE GITOPS_REPO GITOPS_BRANCH

if [ -n "${WORK_DIR:-}" ]; then
  mkdir -p -- "$WORK_DIR"
  TMP_DIR="$(cd "$WORK_DIR" && pwd)/deploy"
  rm -rf -- "$TMP_DIR"
  mkdir -- "$TMP_DIR"
else
  TMP_DIR="$(mktemp -d)"
  trap 'rm -rf "$TMP_DIR"' EXIT
fi
started="$(date +%s)"

# The phases that talk to the remote get the credential; the render never does.
with_credentials() {
  GIT_USERNAME="$GIT_USERNAME" GIT_PASSWORD="$GIT_PASSWORD" "$@"
}
without_credentials() {
  env -u GIT_USERNAME -u GIT_PASSWORD "$@"
}

attempt=1
while :; do
  rm -rf -- "$TMP_DIR/gitops" "$TMP_DIR/out" "$TMP_DIR/moved"
  mkdir -- "$TMP_DIR/out"
  with_credentials env CLONE_DIR="$TMP_DIR/gitops" sh "$HERE/checkout-gitops.sh"
  without_credentials env CLONE_DIR="$TMP_DIR/gitops" OUT_DIR="$TMP_DIR/out" sh "$HERE/render-release.sh"
  status=0
  with_credentials env OUT_DIR="$TMP_DIR/out" MOVED_FILE="$TMP_DIR/moved" sh "$HERE/push-release.sh" || status=$?
  [ "$status" -ne 0 ] || break
  [ -e "$TMP_DIR/moved" ] || exit "$status"
  [ "$attempt" -lt "$PUSH_ATTEMPTS" ] \
    || fail "$EXIT_TRANSIENT" "push to $GITOPS_BRANCH rejected $attempt times; giving up (nothing was changed on the remote)"
  # Generated files are never rebased: start again from the new remote head, re-apply, re-render.
  echo "update-image: push rejected (attempt $attempt of $PUSH_ATTEMPTS): $GITOPS_BRANCH moved; starting again from its new head" >&2
  attempt=$((attempt + 1))
  sleep "${PUSH_RETRY_DELAY:-1}"
done
echo "update-image: deployed $APP_NAME $IMAGE to $ENVIRONMENT in $(( $(date +%s) - started ))s"
