#!/bin/sh
# Fetches one revision (branch, tag or commit) of the application's source repository into
# SOURCE_DIR, without history.
#
# Environment:
#   GIT_REPO       URL of the source repository (required)
#   GIT_REVISION   branch, tag or commit to build (default: main)
#   SOURCE_DIR     where to put the source (required; must not exist or be empty)
#   GIT_USERNAME, GIT_PASSWORD
#                  credentials for an HTTPS remote (optional), handed to git through a
#                  credential helper that reads the environment, never through the URL
set -eu

fail() {
  echo "clone-source: error: $*" >&2
  exit 1
}

GIT_REPO="${GIT_REPO:-}"
GIT_REVISION="${GIT_REVISION:-main}"
SOURCE_DIR="${SOURCE_DIR:-}"

[ -n "$GIT_REPO" ] || fail "the parameter git_repo is empty: give the URL of the application's Git repository, or set artifact_url to deploy a prebuilt .jar"
[ -n "$SOURCE_DIR" ] || fail "SOURCE_DIR is not set"
case "$GIT_REPO" in
  *://*@*) fail "git_repo contains credentials in the URL; put them in the Git credentials Secret instead" ;;
esac

if [ -n "${GIT_USERNAME:-}" ] || [ -n "${GIT_PASSWORD:-}" ]; then
  # shellcheck disable=SC2016 # expanded by the shell git starts, not here
  set -- -c credential.helper= -c 'credential.helper=!f() { test "$1" = get || exit 0; echo "username=${GIT_USERNAME:-git}"; echo "password=${GIT_PASSWORD:-}"; }; f'
else
  set --
fi
export GIT_TERMINAL_PROMPT=0

mkdir -p "$SOURCE_DIR"
if [ -n "$(ls -A "$SOURCE_DIR")" ]; then
  fail "$SOURCE_DIR is not empty"
fi
cd "$SOURCE_DIR"
git init --quiet
git remote add origin "$GIT_REPO"
echo "clone-source: fetching $GIT_REVISION"
git "$@" fetch --quiet --depth 1 origin "$GIT_REVISION" \
  || fail "cannot fetch revision \"$GIT_REVISION\" of $GIT_REPO (check the URL, the revision and the credentials)"
git -c advice.detachedHead=false checkout --quiet FETCH_HEAD
echo "clone-source: checked out $(git rev-parse HEAD)"
