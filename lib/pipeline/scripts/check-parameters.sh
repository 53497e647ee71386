#!/bin/sh
# First step of the build: checks every workflow parameter as a whole string before any other step
# sees it, and says which build runs. Nothing here contacts a network or holds a credential.
#
# Output (OUT_DIR/build, default /tmp/build): "maven", "gradle" or "artifact", a fixed word that the
# workflow's `when:` clauses compare, so no parameter is ever spliced into an expression.
#
# Environment (the workflow parameters):
#   APP_NAME        one of APP_NAMES
#   APP_TYPE        springboot or spring
#   BUILD_TOOL      maven or gradle
#   GIT_REPO        https URL of the source repository (empty with ARTIFACT_URL)
#   GIT_REVISION    branch, tag or commit
#   ARTIFACT_URL    https URL of a prebuilt archive (empty to build from source)
#   ARTIFACT_SHA256 the archive's sha256, 64 hex digits (required with ARTIFACT_URL)
#   IMAGE           registry/repository to push; must be the app's in ALLOWED_IMAGES
#   TAG             image tag, not latest
#   ENVIRONMENT     environment to deploy to
#   OVERWRITE_TAG   true or false
# Fixed when the pipeline is synthesized:
#   APP_NAMES       the apps of the platform, separated by spaces
#   ALLOWED_IMAGES  "app=registry/repository" pairs, or one "*=registry/path/{app}" pattern,
#                   separated by spaces
set -eu
export LC_ALL=C

fail() {
  echo "check-parameters: error: $*" >&2
  exit 2
}

# shellcheck source=include/values.sh
. "$(dirname -- "$0")/include/values.sh" # include

HOST='[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?'
APP='[a-z]([-a-z0-9]{0,61}[a-z0-9])?'
REVISION='[A-Za-z0-9_][A-Za-z0-9._/-]{0,254}'
REPOSITORY='[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)+'
TAG_RE='[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'

APP_NAME="${APP_NAME:-}"
APP_TYPE="${APP_TYPE:-}"
BUILD_TOOL="${BUILD_TOOL:-}"
GIT_REPO="${GIT_REPO:-}"
GIT_REVISION="${GIT_REVISION:-}"
ARTIFACT_URL="${ARTIFACT_URL:-}"
ARTIFACT_SHA256="${ARTIFACT_SHA256:-}"
IMAGE="${IMAGE:-}"
TAG="${TAG:-}"
ENVIRONMENT="${ENVIRONMENT:-}"
OVERWRITE_TAG="${OVERWRITE_TAG:-false}"
APP_NAMES="${APP_NAMES:-}"
ALLOWED_IMAGES="${ALLOWED_IMAGES:-}"
OUT_DIR="${OUT_DIR:-/tmp}"

# Lists fixed at synth are split on spaces only, never globbed.
set -f

matches "$APP_NAME" "$APP" || fail "app_name must be an app name (lowercase letters, digits, '-'), got $(shown "$APP_NAME")"
known=false
for a in $APP_NAMES; do [ "$a" = "$APP_NAME" ] && known=true; done
[ "$known" = true ] || fail "app_name \"$APP_NAME\" is not an app of the platform (apps: ${APP_NAMES:-none}): add it in the platform code first"

case "$APP_TYPE" in
  springboot | spring) ;;
  *) fail "app_type must be springboot or spring, got $(shown "$APP_TYPE")" ;;
esac
case "$BUILD_TOOL" in
  maven | gradle) ;;
  *) fail "build_tool must be maven or gradle, got $(shown "$BUILD_TOOL")" ;;
esac
case "$OVERWRITE_TAG" in
  true | false) ;;
  *) fail "overwrite_tag must be true or false, got $(shown "$OVERWRITE_TAG")" ;;
esac
matches "$ENVIRONMENT" "$APP" || fail "environment must be an environment name (lowercase letters, digits, '-'), got $(shown "$ENVIRONMENT")"

if [ -n "$ARTIFACT_URL" ]; then
  build=artifact
  matches "$ARTIFACT_URL" "https://$HOST/[A-Za-z0-9._~/%+-]*([?][A-Za-z0-9._~%/+=&-]*)?" \
    || fail "artifact_url must be an https:// URL without credentials or spaces, got $(shown "$ARTIFACT_URL")"
  matches "$ARTIFACT_SHA256" '[a-f0-9]{64}' \
    || fail "artifact_sha256 must be the sha256 of the archive (64 lowercase hex digits, e.g. from sha256sum), got $(shown "$ARTIFACT_SHA256")"
  [ -z "$GIT_REPO" ] || fail "give either git_repo (build from source) or artifact_url (a prebuilt archive), not both"
else
  build="$BUILD_TOOL"
  [ -n "$GIT_REPO" ] || fail "the parameter git_repo is empty: give the https URL of the application's Git repository, or set artifact_url (and artifact_sha256) to deploy a prebuilt archive"
  matches "$GIT_REPO" "https://$HOST/[A-Za-z0-9._~/-]+" \
    || fail "git_repo must be an https:// URL of a Git repository (host and path; no credentials, query or spaces), got $(shown "$GIT_REPO")"
  matches "$GIT_REVISION" "$REVISION" \
    || fail "git_revision must be a branch, tag or commit (letters, digits, '.', '_', '/', '-'; not starting with '-'), got $(shown "$GIT_REVISION")"
  case "$GIT_REVISION" in
    *..* | *//* | */ | *.lock | *.) fail "git_revision $(shown "$GIT_REVISION") is not a valid Git ref name" ;;
  esac
fi

matches "$IMAGE" "$REPOSITORY" || fail "image must be registry/repository in lowercase, without tag, digest or options, got $(shown "$IMAGE")"
if ! repositories_of "$APP_NAME" | grep -Fxq -e "$IMAGE"; then
  fail "image \"$IMAGE\" is not a repository of the app $APP_NAME; the platform allows: $(repositories_of "$APP_NAME" | tr '\n' ' ')"
fi
matches "$TAG" "$TAG_RE" || fail "tag must be an image tag (letters, digits, '_', '.', '-'; at most 128 characters), got $(shown "$TAG")"
[ "$TAG" != latest ] || fail "the tag latest does not say what runs: give a version tag, e.g. 1.4.3 or the commit"

mkdir -p "$OUT_DIR"
printf '%s' "$build" > "$OUT_DIR/build"
echo "check-parameters: $APP_NAME: build=$build image=$IMAGE:$TAG environment=$ENVIRONMENT overwrite_tag=$OVERWRITE_TAG"
