#!/bin/sh
# Deploys one app through Git, rendered: sets the app's line in releases/<environment>.json, runs the
# project's own synth and validation gate in that checkout, and pushes ONE commit that holds
# releases/<environment>.json and the re-rendered dist/<environment>/, nothing else. Argo CD syncs
# dist/<environment>/, so what it applies is exactly what the gate checked.
#
# Usage: update-image.sh <app> <environment> <image>
#   (or APP_NAME, ENVIRONMENT and IMAGE in the environment)
#
# Needs git, node and npm on PATH. Environment:
#   GITOPS_REPO      URL or path of the GitOps repository (required)
#   GITOPS_BRANCH    branch to commit to (default: main)
#   GIT_USERNAME, GIT_PASSWORD
#                    credentials for an HTTPS remote (optional); handed to git by a credential
#                    helper that answers only the host of GITOPS_REPO, never through the URL
#   GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL
#                    identity of the commit (default: gitops-bot <gitops-bot@localhost>)
#   NODE_MODULES_DIR an installed node_modules of the project to link instead of `npm ci`
#                    (default: `npm ci --omit=dev`: synth and gate need only the dependencies)
#   PUSH_ATTEMPTS    how many times to render and push when the branch moved (default: 5)
#   COMMIT_FILE      when set, the commit that holds the change is written to this file
#   IMAGE_FILE       when set, the deployed image is written to this file
#   WORK_DIR         where to clone (default: a new temporary directory, removed on exit)
#
# Exit status: 0 pushed (or the line already had that image); 2 a wrong argument, a missing app or
# a refused image; 3 the synth or the validation gate failed, or the synth changed files outside
# releases/<environment>.json and dist/<environment>/; 75 (EX_TEMPFAIL) a failure that may heal by
# itself (clone, fetch, npm ci, push): the only status the workflow retries. Nothing is pushed
# unless every check passed.
set -eu
export LC_ALL=C

EXIT_USAGE=2
EXIT_REFUSED=3
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

RELEASE_FILE="releases/$ENVIRONMENT.json"
DIST_DIR="dist/$ENVIRONMENT"

# shellcheck source=include/gitops-repo.sh
. "$(dirname -- "$0")/include/gitops-repo.sh" # include
GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-gitops-bot}"
GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-gitops-bot@localhost}"
GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}"
GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}"
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

if [ -n "${WORK_DIR:-}" ]; then
  mkdir -p -- "$WORK_DIR"
  CLONE_DIR="$(cd "$WORK_DIR" && pwd)/gitops"
  rm -rf -- "$CLONE_DIR"
else
  TMP_DIR="$(mktemp -d)"
  trap 'rm -rf "$TMP_DIR"' EXIT
  CLONE_DIR="$TMP_DIR/gitops"
fi
LOG="$CLONE_DIR.log"
started="$(date +%s)"

echo "update-image: cloning branch $GITOPS_BRANCH of the GitOps repository"
git "$@" clone --quiet --depth 1 --single-branch --branch "$GITOPS_BRANCH" -- "$REMOTE" "$CLONE_DIR" \
  || fail "$EXIT_TRANSIENT" "cannot clone branch $GITOPS_BRANCH of $GITOPS_REPO (check the URL, the branch and the credentials)"
cd "$CLONE_DIR"
# The linked or installed node_modules is never part of a commit.
echo node_modules >> .git/info/exclude

if [ ! -f package.json ] || [ ! -f package-lock.json ]; then
  fail "$EXIT_USAGE" "$GITOPS_REPO has no package.json and package-lock.json: it must hold the platform project, which renders dist/"
fi
if [ -n "${NODE_MODULES_DIR:-}" ]; then
  [ -d "$NODE_MODULES_DIR/.bin" ] || usage_error "NODE_MODULES_DIR \"$NODE_MODULES_DIR\" is not an installed node_modules"
  ln -s -- "$NODE_MODULES_DIR" node_modules
else
  echo "update-image: installing the project's dependencies (npm ci --omit=dev)"
  npm ci --omit=dev --no-audit --no-fund --prefer-offline > "$LOG" 2>&1 \
    || { cat -- "$LOG" >&2; fail "$EXIT_TRANSIENT" "npm ci failed"; }
fi

# The line of the app: `  "app": "image"` with an optional trailing comma.
line_pattern="^[ ]*\"$APP_NAME\"[ ]*:[ ]*\"[^\"]*\"[ ]*,?[ ]*\$"

# Sets the app's line in the release file; CHANGED=yes when it differs from HEAD.
apply_change() {
  [ -f "$RELEASE_FILE" ] \
    || fail "$EXIT_USAGE" "$RELEASE_FILE does not exist in $GITOPS_REPO (branch $GITOPS_BRANCH): is \"$ENVIRONMENT\" an environment of the platform?"
  count="$(grep -Ec "$line_pattern" "$RELEASE_FILE" || true)"
  [ "$count" -ne 0 ] \
    || fail "$EXIT_USAGE" "$RELEASE_FILE has no line for app \"$APP_NAME\": add the app to the platform first (one \"app\": \"image\" pair per line)"
  [ "$count" -eq 1 ] \
    || fail "$EXIT_USAGE" "$RELEASE_FILE has $count lines for app \"$APP_NAME\": expected exactly one"
  awk -v re="$line_pattern" -v app="$APP_NAME" -v image="$IMAGE" '
    $0 ~ re {
      match($0, /^[ ]*/)
      indent = substr($0, 1, RLENGTH)
      comma = ($0 ~ /,[ ]*$/) ? "," : ""
      print indent "\"" app "\": \"" image "\"" comma
      next
    }
    { print }
  ' "$RELEASE_FILE" > "$RELEASE_FILE.new"
  mv -- "$RELEASE_FILE.new" "$RELEASE_FILE"
  if git diff --quiet -- "$RELEASE_FILE"; then CHANGED=no; else CHANGED=yes; fi
}

# Renders dist/ with the project's own synth (which runs the validation gate before it writes
# anything), then commits the release file and dist/<environment>/, refusing anything else.
render_and_commit() {
  echo "update-image: rendering dist/ (npm run synth: synth and validation gate)"
  if ! npm run --silent synth > "$LOG" 2>&1; then
    cat -- "$LOG" >&2
    fail "$EXIT_REFUSED" "the synth or the validation gate refused $IMAGE for $APP_NAME in $ENVIRONMENT (above); nothing was pushed"
  fi
  changed_lines="$(git diff --numstat -- "$RELEASE_FILE" | awk '{ print $1 " " $2 }')"
  [ "$changed_lines" = "1 1" ] || fail "$EXIT_REFUSED" "expected exactly one changed line in $RELEASE_FILE, got: $changed_lines"
  git add --all -- "$RELEASE_FILE" "$DIST_DIR"
  others="$(git status --porcelain --untracked-files=all | grep -v '^[AMDR] ' || true)"
  [ -z "$others" ] \
    || fail "$EXIT_REFUSED" "the synth changed files outside $RELEASE_FILE and $DIST_DIR/ (main.ts and dist/ disagree on $GITOPS_BRANCH: run npm run synth there and commit); nothing was pushed:
$others"
  outside="$(git diff --cached --name-only | grep -v -e "^$RELEASE_FILE\$" -e "^$DIST_DIR/" || true)"
  [ -z "$outside" ] || fail "$EXIT_REFUSED" "refusing to commit files outside $RELEASE_FILE and $DIST_DIR/: $outside"
  git commit --quiet -m "deploy $APP_NAME to $ENVIRONMENT: $IMAGE" -m "Rendered by lib/pipeline/update-image.sh: $RELEASE_FILE and $DIST_DIR/ only."
}

write_outputs() {
  if [ -n "${COMMIT_FILE:-}" ]; then git rev-parse HEAD > "$COMMIT_FILE"; fi
  if [ -n "${IMAGE_FILE:-}" ]; then printf '%s\n' "$IMAGE" > "$IMAGE_FILE"; fi
}

attempt=1
while :; do
  apply_change
  if [ "$CHANGED" = no ]; then
    echo "update-image: $RELEASE_FILE on $GITOPS_BRANCH already sets $APP_NAME to $IMAGE; nothing to push"
    write_outputs
    exit 0
  fi
  base="$(git rev-parse HEAD)"
  render_and_commit
  if git "$@" push --quiet origin -- "HEAD:refs/heads/$GITOPS_BRANCH" 2> "$LOG"; then
    break
  fi
  cat -- "$LOG" >&2
  # Only a branch that moved is worth rendering again; anything else (network, credentials, a hook)
  # is left to the workflow's retry. Ask the remote where the branch is rather than parse git's
  # words: a concurrent update shows as a non-fast-forward rejection or, when both pushes meet at
  # the ref lock, as "failed to update ref".
  git "$@" fetch --quiet --depth 1 origin -- "refs/heads/$GITOPS_BRANCH" \
    || fail "$EXIT_TRANSIENT" "cannot push to $GITOPS_BRANCH (above), nor fetch it; nothing was changed on the remote"
  [ "$(git rev-parse FETCH_HEAD)" != "$base" ] \
    || fail "$EXIT_TRANSIENT" "cannot push to $GITOPS_BRANCH (above); nothing was changed on the remote"
  [ "$attempt" -lt "$PUSH_ATTEMPTS" ] \
    || fail "$EXIT_TRANSIENT" "push to $GITOPS_BRANCH rejected $attempt times; giving up (nothing was changed on the remote)"
  # Generated files are never rebased: start again from the new remote head, re-apply, re-render.
  echo "update-image: push rejected (attempt $attempt of $PUSH_ATTEMPTS): $GITOPS_BRANCH moved; starting again from its new head" >&2
  attempt=$((attempt + 1))
  sleep "${PUSH_RETRY_DELAY:-1}"
  git reset --quiet --hard FETCH_HEAD
  git clean --quiet -d --force
done

write_outputs
echo "update-image: pushed \"deploy $APP_NAME to $ENVIRONMENT: $IMAGE\" ($(git rev-parse --short HEAD)) to $GITOPS_BRANCH in $(( $(date +%s) - started ))s"
