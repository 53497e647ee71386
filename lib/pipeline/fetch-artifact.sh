#!/bin/sh
# Downloads a prebuilt application archive instead of building it from source, to
# ARTIFACT_DIR/app.jar (app_type springboot) or ARTIFACT_DIR/app.war (app_type spring).
#
# Environment:
#   ARTIFACT_URL   https URL of the .jar or .war (required)
#   APP_TYPE       springboot or spring (default: springboot)
#   ARTIFACT_DIR   where to put the archive (required)
set -eu

fail() {
  echo "fetch-artifact: error: $*" >&2
  exit 1
}

ARTIFACT_URL="${ARTIFACT_URL:-}"
APP_TYPE="${APP_TYPE:-springboot}"
ARTIFACT_DIR="${ARTIFACT_DIR:-}"

[ -n "$ARTIFACT_URL" ] || fail "artifact_url is empty"
[ -n "$ARTIFACT_DIR" ] || fail "ARTIFACT_DIR is not set"
case "$APP_TYPE" in
  springboot) ext=jar ;;
  spring) ext=war ;;
  *) fail "app_type must be springboot (executable .jar) or spring (.war), got \"$APP_TYPE\"" ;;
esac
case "$ARTIFACT_URL" in
  https://*) ;;
  *) fail "artifact_url must be an https:// URL, got \"$ARTIFACT_URL\"" ;;
esac

mkdir -p "$ARTIFACT_DIR"
target="$ARTIFACT_DIR/app.$ext"
echo "fetch-artifact: downloading the .$ext"
curl --fail --silent --show-error --location --proto '=https' --retry 3 --retry-delay 5 \
  --output "$target" "$ARTIFACT_URL" \
  || fail "cannot download ${ARTIFACT_URL%%\?*}"

# A .jar and a .war are zip files: they start with "PK".
magic="$(head -c 2 "$target")"
[ "$magic" = "PK" ] || fail "${ARTIFACT_URL%%\?*} is not a .$ext (zip) file; check the URL"
echo "fetch-artifact: saved $(wc -c < "$target") bytes to $target"
