#!/bin/sh
# Clones the head of the GitOps branch into CLONE_DIR (one commit, with a work tree): the first
# phase of a deploy (update-image.sh), before render-release.sh renders in that checkout and
# push-release.sh pushes. It runs no code of the repository. In the deploy step it is a container
# of its own, given the read-only credential (gitReadCredentialsSecret) or none.
#
# Environment: GITOPS_REPO (required), GITOPS_BRANCH (default: main), GIT_USERNAME/GIT_PASSWORD
# (optional; see include/gitops-repo.sh), CLONE_DIR (required: a directory that does not exist yet).
# Exit status: 0 cloned; 2 a wrong setting; 75 the clone failed (may heal by itself).
set -eu
export LC_ALL=C

fail() {
  status="$1"
  shift
  echo "checkout-gitops: error: $*" >&2
  exit "$status"
}

GITOPS_REPO="${GITOPS_REPO:-}"
GITOPS_BRANCH="${GITOPS_BRANCH:-main}"
CLONE_DIR="${CLONE_DIR:-}"
case "$CLONE_DIR" in
  /*) ;;
  *) fail 2 "CLONE_DIR must be an absolute path, got \"$CLONE_DIR\"" ;;
esac
[ ! -e "$CLONE_DIR" ] || fail 2 "CLONE_DIR \"$CLONE_DIR\" exists already"
# shellcheck source=include/gitops-repo.sh
. "$(dirname -- "$0")/include/gitops-repo.sh" # include

echo "checkout-gitops: cloning branch $GITOPS_BRANCH of the GitOps repository"
git "$@" clone --quiet --depth 1 --single-branch --branch "$GITOPS_BRANCH" -- "$REMOTE" "$CLONE_DIR" \
  || fail 75 "cannot clone branch $GITOPS_BRANCH of $GITOPS_REPO (check the URL, the branch and the credentials)"
