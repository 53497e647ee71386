#!/bin/sh
# Fetches one revision (branch, tag or commit) of the application's source repository into
# SOURCE_DIR, without history, over https only.
#
# Environment:
#   GIT_REPO          https URL of the source repository (required; no credentials in it)
#   GIT_REVISION      branch, tag or commit to build (default: main)
#   SOURCE_DIR        where to put the source (required; must not exist or be empty)
#   SOURCE_REPO_HOST  the one host (host or host:port) that may receive the credentials below, fixed
#                     when the pipeline is synthesized; empty: git is given no credentials at all
#   SOURCE_USERNAME, SOURCE_PASSWORD
#                     read-only credentials of the source repositories on SOURCE_REPO_HOST
#                     (optional), handed to git by a credential helper that answers https requests
#                     to exactly that host and nothing else, never through the URL
set -eu
export LC_ALL=C

# fail MESSAGE [STATUS]: status 2 for what does not heal (the workflow does not retry it).
fail() {
  echo "clone-source: error: $1" >&2
  exit "${2:-1}"
}

# shellcheck source=include/values.sh
. "$(dirname -- "$0")/include/values.sh" # include

HOST='[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?'

GIT_REPO="${GIT_REPO:-}"
GIT_REVISION="${GIT_REVISION:-main}"
SOURCE_DIR="${SOURCE_DIR:-}"
SOURCE_REPO_HOST="${SOURCE_REPO_HOST:-}"

[ -n "$GIT_REPO" ] || fail "the parameter git_repo is empty: give the https URL of the application's Git repository, or set artifact_url to deploy a prebuilt archive" 2
[ -n "$SOURCE_DIR" ] || fail "SOURCE_DIR is not set" 2
case "$GIT_REPO" in
  *://*@*) fail "git_repo contains credentials in the URL; the source credentials belong in their Secret" 2 ;;
esac
matches "$GIT_REPO" "https://$HOST/[A-Za-z0-9._~/-]+" \
  || fail "git_repo must be an https:// URL of a Git repository (host and path; no query or spaces), got $(shown "$GIT_REPO")" 2
matches "$GIT_REVISION" '[A-Za-z0-9_][A-Za-z0-9._/-]{0,254}' \
  || fail "git_revision must be a branch, tag or commit (letters, digits, '.', '_', '/', '-'; not starting with '-'), got $(shown "$GIT_REVISION")" 2
case "$GIT_REVISION" in
  *..* | *//* | */ | *.lock | *.) fail "git_revision $(shown "$GIT_REVISION") is not a valid Git ref name" 2 ;;
esac
if [ -n "$SOURCE_REPO_HOST" ]; then
  matches "$SOURCE_REPO_HOST" "$HOST" || fail "SOURCE_REPO_HOST must be a host or host:port, got $(shown "$SOURCE_REPO_HOST")" 2
fi

# Only https; no redirect to another host; no helper, askpass or prompt from the image or the
# environment. Credentials are offered only for https://SOURCE_REPO_HOST: git consults the helper
# of the matching URL only, and the helper checks protocol and host once more itself.
set -- -c protocol.allow=never -c protocol.https.allow=always -c http.followRedirects=false \
  -c credential.helper= -c core.askPass= -c credential.interactive=false
if [ -n "$SOURCE_REPO_HOST" ] && { [ -n "${SOURCE_USERNAME:-}" ] || [ -n "${SOURCE_PASSWORD:-}" ]; }; then
  export SOURCE_REPO_HOST
  # shellcheck disable=SC2016 # expanded by the shell git starts, not here
  set -- "$@" -c "credential.https://$SOURCE_REPO_HOST.helper="'!f() { test "$1" = get || exit 0; p=; h=; while IFS= read -r l; do case "$l" in protocol=*) p="${l#protocol=}" ;; host=*) h="${l#host=}" ;; esac; done; test "$p" = https && test "$h" = "$SOURCE_REPO_HOST" || exit 0; echo "username=${SOURCE_USERNAME:-git}"; echo "password=${SOURCE_PASSWORD:-}"; }; f'
fi
unset GIT_ASKPASS SSH_ASKPASS
export GIT_TERMINAL_PROMPT=0

mkdir -p "$SOURCE_DIR"
if [ -n "$(ls -A "$SOURCE_DIR")" ]; then
  fail "$SOURCE_DIR is not empty"
fi
cd "$SOURCE_DIR"
git init --quiet
echo "clone-source: fetching $GIT_REVISION"
# --end-of-options: the URL and the revision are never read as options of git fetch.
git "$@" fetch --quiet --depth 1 --end-of-options "$GIT_REPO" "$GIT_REVISION" \
  || fail "cannot fetch revision \"$GIT_REVISION\" of $(shown "$GIT_REPO") (check the URL, the revision and, for a private repository, the source credentials)"
git -c advice.detachedHead=false checkout --quiet --detach FETCH_HEAD
echo "clone-source: checked out $(git rev-parse HEAD)"
