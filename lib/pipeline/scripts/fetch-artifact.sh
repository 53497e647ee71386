#!/bin/sh
# Downloads a prebuilt application archive instead of building it from source, checks its sha256,
# and only then puts it at ARTIFACT_DIR/app.jar (app_type springboot) or ARTIFACT_DIR/app.war
# (app_type spring).
#
# Environment:
#   ARTIFACT_URL     https URL of the .jar or .war (required; a signed query string is allowed and
#                    never printed; credentials in the URL are refused)
#   ARTIFACT_SHA256  the sha256 of the archive, 64 hex digits (required)
#   APP_TYPE         springboot or spring (default: springboot)
#   ARTIFACT_DIR     where to put the archive (required)
#   CURL             the download command (default: curl)
set -eu
export LC_ALL=C

# fail MESSAGE [STATUS]: status 2 for what does not heal (the workflow does not retry it).
fail() {
  echo "fetch-artifact: error: $1" >&2
  exit "${2:-1}"
}

# shellcheck source=include/values.sh
. "$(dirname -- "$0")/include/values.sh" # include

# Text with credentials and query strings of URLs removed, printable, at most 200 characters per line.
redact() {
  tr -c 'A-Za-z0-9._~:/?#@!$&()*+,;=% \n-' '?' | sed -e 's#//[^/@ ]*@#//***@#g' -e 's#?[^ ]*#?***#g' | cut -c1-200
}
# Here every message passes through redact (curl's own too), so shown() is built on it.
shown() {
  printf '"%s"' "$(printf '%s' "$1" | tr '\n' '?' | redact)"
}

ARTIFACT_URL="${ARTIFACT_URL:-}"
ARTIFACT_SHA256="${ARTIFACT_SHA256:-}"
APP_TYPE="${APP_TYPE:-springboot}"
ARTIFACT_DIR="${ARTIFACT_DIR:-}"
CURL="${CURL:-curl}"

[ -n "$ARTIFACT_URL" ] || fail "artifact_url is empty" 2
[ -n "$ARTIFACT_DIR" ] || fail "ARTIFACT_DIR is not set" 2
case "$APP_TYPE" in
  springboot) ext=jar ;;
  spring) ext=war ;;
  *) fail "app_type must be springboot (executable .jar) or spring (.war), got $(shown "$APP_TYPE")" 2 ;;
esac
case "$ARTIFACT_URL" in
  *://*@*) fail "artifact_url must not carry credentials: use a signed URL or a repository that needs none" 2 ;;
esac
matches "$ARTIFACT_URL" '[Hh][Tt][Tt][Pp][Ss]://[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?/[A-Za-z0-9._~/%+-]*([?][A-Za-z0-9._~%/+=&-]*)?' \
  || fail "artifact_url must be an https:// URL without spaces, got $(shown "$ARTIFACT_URL")" 2
matches "$ARTIFACT_SHA256" '[a-f0-9]{64}' \
  || fail "artifact_sha256 must be the sha256 of the archive (64 lowercase hex digits, e.g. from sha256sum), got $(shown "$ARTIFACT_SHA256")" 2
where="$(printf '%s' "$ARTIFACT_URL" | redact)"

mkdir -p "$ARTIFACT_DIR"
target="$ARTIFACT_DIR/app.$ext"
download="$ARTIFACT_DIR/.download"
rm -f "$target" "$download"
echo "fetch-artifact: downloading $where"
# curl's messages go through redact too: no message carries the URL's secrets.
errors="$ARTIFACT_DIR/.curl-errors"
if ! "$CURL" --fail --silent --show-error --location --proto '=https' --proto-redir '=https' --retry 3 --retry-delay 5 \
  --output "$download" -- "$ARTIFACT_URL" 2> "$errors"; then
  redact < "$errors" >&2
  rm -f "$download" "$errors"
  fail "cannot download $where"
fi
rm -f "$errors"

actual="$(sha256sum "$download" | cut -d' ' -f1)"
if [ "$actual" != "$ARTIFACT_SHA256" ]; then
  rm -f "$download"
  fail "the archive from $where has the sha256 $actual, not the expected $ARTIFACT_SHA256: it was not used" 2
fi
# A .jar and a .war are zip files: they start with "PK".
magic="$(head -c 2 "$download")"
if [ "$magic" != "PK" ]; then
  rm -f "$download"
  fail "$where is not a .$ext (zip) file; check the URL"
fi
mv "$download" "$target"
echo "fetch-artifact: saved $(wc -c < "$target") bytes (sha256 $actual) to $target"
