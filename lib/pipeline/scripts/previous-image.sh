#!/bin/sh
# Prints the image an app ran in an environment before its current one, read from the Git history
# of releases/<environment>.json: the newest earlier version of the file whose line for the app
# names another image. The abort workflow commits that image back through update-image.sh.
#
# Usage: previous-image.sh <app> <environment>   (or APP_NAME and ENVIRONMENT in the environment)
#
# Needs git. Environment: GITOPS_REPO, GITOPS_BRANCH, GIT_USERNAME/GIT_PASSWORD as for
# update-image.sh; IMAGE_FILE: when set, the image is also written to this file.
# Exit status: 0 printed; 2 a wrong argument, a missing app or no earlier image; 75 the repository
# could not be cloned (may heal by itself).
set -eu
export LC_ALL=C

fail() {
  status="$1"
  shift
  echo "previous-image: error: $*" >&2
  exit "$status"
}

APP_NAME="${1:-${APP_NAME:-}}"
ENVIRONMENT="${2:-${ENVIRONMENT:-}}"
GITOPS_REPO="${GITOPS_REPO:-}"
GITOPS_BRANCH="${GITOPS_BRANCH:-main}"

# shellcheck source=include/names.sh
. "$(dirname -- "$0")/include/names.sh" # include
dns_label "$APP_NAME" || fail 2 "app name \"$APP_NAME\" is not a DNS-1123 label (usage: previous-image.sh <app> <environment>)"
dns_label "$ENVIRONMENT" || fail 2 "environment \"$ENVIRONMENT\" is not a DNS-1123 label (usage: previous-image.sh <app> <environment>)"
# shellcheck source=include/gitops-repo.sh
. "$(dirname -- "$0")/include/gitops-repo.sh" # include

TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$TMP_DIR"' EXIT
RELEASE_FILE="releases/$ENVIRONMENT.json"

# The whole history of the branch: the release file's earlier versions are read from it.
git "$@" clone --quiet --bare --single-branch --branch "$GITOPS_BRANCH" -- "$REMOTE" "$TMP_DIR/repo.git" \
  || fail 75 "cannot clone branch $GITOPS_BRANCH of $GITOPS_REPO (check the URL, the branch and the credentials)"
cd "$TMP_DIR/repo.git"

# The image of the app in the release file at a commit (empty when the file or the line is missing).
image_at() {
  git show "$1:$RELEASE_FILE" 2>/dev/null \
    | sed -n "s/^[ ]*\"$APP_NAME\"[ ]*:[ ]*\"\\([^\"]*\\)\"[ ]*,\\{0,1\\}[ ]*\$/\\1/p" | head -n 1
}

current="$(image_at HEAD)"
[ -n "$current" ] || fail 2 "$RELEASE_FILE on $GITOPS_BRANCH has no line for app \"$APP_NAME\""
previous=
for commit in $(git log --format=%H HEAD -- "$RELEASE_FILE"); do
  image="$(image_at "$commit")"
  if [ -n "$image" ] && [ "$image" != "$current" ]; then
    previous="$image"
    break
  fi
done
[ -n "$previous" ] || fail 2 "the history of $RELEASE_FILE names no image of $APP_NAME before $current: nothing to roll back to"
echo "previous-image: $APP_NAME in $ENVIRONMENT runs $current; before it: $previous" >&2
if [ -n "${IMAGE_FILE:-}" ]; then printf '%s\n' "$previous" > "$IMAGE_FILE"; fi
printf '%s\n' "$previous"
