#!/bin/sh
# Promotes an app from one environment to the next through Git: reads the image the app has in
# releases/<from>.json at the head of the GitOps branch, and deploys it to <to> through
# update-image.sh (the same rendered path as a deploy: ONE commit with releases/<to>.json and the
# re-rendered dist/<to>/, checked by the project's synth and validation gate). Promoting an image
# the target already runs pushes nothing.
#
# Usage: promote-release.sh <app> <from> <to>
#   (or APP_NAME, FROM_ENVIRONMENT and TO_ENVIRONMENT in the environment)
#
# Needs git, node and npm. Environment: as for update-image.sh (GITOPS_REPO required), and
#   EXPECTED_IMAGE     when set, refuse (exit 3) unless <from> names exactly this image: the image
#                      whose health was checked is the one promoted
#   SOURCE_IMAGE_ONLY  yes: only print the image of <app> in <from> (IMAGE_FILE: also write it there)
#   SYNC_POLICIES      "<env>=automated|manual ..." of the platform's Applications (fixed at synth);
#   SYNC_FILE          when set, the target's word is written there: automated, manual, or
#                      unknown when SYNC_POLICIES does not list it (the workflow then waits or not)
# Exit status: as update-image.sh's: 0 pushed or already there; 2 a wrong argument, an unknown app
# or environment; 3 refused (gate, or <from> moved away from EXPECTED_IMAGE); 75 transient.
set -eu
export LC_ALL=C

fail() {
  status="$1"
  shift
  echo "promote-release: error: $*" >&2
  exit "$status"
}

USAGE="usage: promote-release.sh <app> <from> <to>"
APP_NAME="${1:-${APP_NAME:-}}"
FROM_ENVIRONMENT="${2:-${FROM_ENVIRONMENT:-}}"
TO_ENVIRONMENT="${3:-${TO_ENVIRONMENT:-}}"
GITOPS_REPO="${GITOPS_REPO:-}"
GITOPS_BRANCH="${GITOPS_BRANCH:-main}"
EXPECTED_IMAGE="${EXPECTED_IMAGE:-}"
SOURCE_IMAGE_ONLY="${SOURCE_IMAGE_ONLY:-no}"
[ "$#" -le 3 ] || fail 2 "too many arguments ($USAGE)"

# shellcheck source=include/names.sh
. "$(dirname -- "$0")/include/names.sh" # include
dns_label "$APP_NAME" || fail 2 "app name \"$APP_NAME\" is not a DNS-1123 label ($USAGE)"
dns_label "$FROM_ENVIRONMENT" || fail 2 "environment \"$FROM_ENVIRONMENT\" is not a DNS-1123 label ($USAGE)"
dns_label "$TO_ENVIRONMENT" || fail 2 "environment \"$TO_ENVIRONMENT\" is not a DNS-1123 label ($USAGE)"
[ "$FROM_ENVIRONMENT" != "$TO_ENVIRONMENT" ] || fail 2 "cannot promote from $FROM_ENVIRONMENT to itself"
case "$EXPECTED_IMAGE" in
  *[!A-Za-z0-9_./:@-]*) fail 2 "EXPECTED_IMAGE \"$EXPECTED_IMAGE\" is not an image reference" ;;
esac
case "$SOURCE_IMAGE_ONLY" in
  yes | no) ;;
  *) fail 2 "SOURCE_IMAGE_ONLY must be yes or no, got \"$SOURCE_IMAGE_ONLY\"" ;;
esac
# shellcheck source=include/gitops-repo.sh
. "$(dirname -- "$0")/include/gitops-repo.sh" # include

TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$TMP_DIR"' EXIT
started="$(date +%s)"
SOURCE_FILE="releases/$FROM_ENVIRONMENT.json"

# The remote head only: one commit, no work tree.
git "$@" clone --quiet --bare --depth 1 --single-branch --branch "$GITOPS_BRANCH" -- "$REMOTE" "$TMP_DIR/repo.git" \
  || fail 75 "cannot clone branch $GITOPS_BRANCH of $GITOPS_REPO (check the URL, the branch and the credentials)"
git --git-dir "$TMP_DIR/repo.git" cat-file -e "HEAD:$SOURCE_FILE" 2>/dev/null \
  || fail 2 "$SOURCE_FILE does not exist on $GITOPS_BRANCH: is \"$FROM_ENVIRONMENT\" an environment of the platform?"
git --git-dir "$TMP_DIR/repo.git" cat-file -e "HEAD:releases/$TO_ENVIRONMENT.json" 2>/dev/null \
  || fail 2 "releases/$TO_ENVIRONMENT.json does not exist on $GITOPS_BRANCH: is \"$TO_ENVIRONMENT\" an environment of the platform?"
images="$(git --git-dir "$TMP_DIR/repo.git" show "HEAD:$SOURCE_FILE" \
  | sed -n "s/^[ ]*\"$APP_NAME\"[ ]*:[ ]*\"\\([^\"]*\\)\"[ ]*,\\{0,1\\}[ ]*\$/\\1/p")"
[ -n "$images" ] || fail 2 "$SOURCE_FILE has no line for app \"$APP_NAME\""
[ "$(printf '%s\n' "$images" | wc -l)" -eq 1 ] || fail 2 "$SOURCE_FILE has several lines for app \"$APP_NAME\": expected exactly one"
image="$images"

if [ -n "${SYNC_FILE:-}" ]; then
  sync=unknown
  for pair in ${SYNC_POLICIES:-}; do
    case "$pair" in
      "$TO_ENVIRONMENT=automated") sync=automated ;;
      "$TO_ENVIRONMENT=manual") sync=manual ;;
    esac
  done
  printf '%s\n' "$sync" > "$SYNC_FILE"
fi
if [ "$SOURCE_IMAGE_ONLY" = yes ]; then
  if [ -n "${IMAGE_FILE:-}" ]; then printf '%s\n' "$image" > "$IMAGE_FILE"; fi
  printf '%s\n' "$image"
  exit 0
fi
if [ -n "$EXPECTED_IMAGE" ] && [ "$image" != "$EXPECTED_IMAGE" ]; then
  fail 3 "$FROM_ENVIRONMENT now names $image for $APP_NAME, not the checked $EXPECTED_IMAGE: check $FROM_ENVIRONMENT again; nothing was pushed"
fi
echo "promote-release: $APP_NAME runs $image in $FROM_ENVIRONMENT; promoting it to $TO_ENVIRONMENT (looked up in $(( $(date +%s) - started ))s)"
here="$(cd "$(dirname "$0")" && pwd)"
# exec, not a child: no process of this script stays behind holding GIT_USERNAME/GIT_PASSWORD in
# its environment while update-image.sh runs the repository's code (it takes them out of its own).
rm -rf -- "$TMP_DIR"
trap - EXIT
exec sh "$here/update-image.sh" "$APP_NAME" "$TO_ENVIRONMENT" "$image"
