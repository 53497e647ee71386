#!/bin/sh
# Deploys one app by changing its image in the GitOps repository: the line of the app in
# releases/<environment>.json, and nothing else. Argo CD then syncs the change.
#
# Usage: update-image.sh <app> <environment> <image>
#   (or APP_NAME, ENVIRONMENT and IMAGE in the environment)
#
# Environment:
#   GITOPS_REPO      URL or path of the GitOps repository (required)
#   GITOPS_BRANCH    branch to commit to (default: main)
#   GIT_USERNAME, GIT_PASSWORD
#                    credentials for an HTTPS remote (optional); they are handed to git through
#                    a credential helper that reads the environment, never through the URL
#   GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL
#                    identity of the commit (default: gitops-bot <gitops-bot@localhost>)
#   PUSH_ATTEMPTS    how many times to push when the remote rejects it (default: 5)
#   COMMIT_FILE      when set, the commit that holds the change is written to this file
#   WORK_DIR         where to clone (default: a new temporary directory, removed on exit)
#
# Exit status: 0 when the change is pushed (or the line already had that image), 2 for a wrong
# argument or a missing app, 1 for anything else. Nothing is pushed unless every check passed.
set -eu

fail() {
  echo "update-image: error: $*" >&2
  exit "${FAIL_STATUS:-1}"
}

usage_error() {
  FAIL_STATUS=2 fail "$*"
}

APP_NAME="${1:-${APP_NAME:-}}"
ENVIRONMENT="${2:-${ENVIRONMENT:-}}"
IMAGE="${3:-${IMAGE:-}}"
GITOPS_REPO="${GITOPS_REPO:-}"
GITOPS_BRANCH="${GITOPS_BRANCH:-main}"
PUSH_ATTEMPTS="${PUSH_ATTEMPTS:-5}"

[ -n "$APP_NAME" ] || usage_error "no app name given (usage: update-image.sh <app> <environment> <image>)"
[ -n "$ENVIRONMENT" ] || usage_error "no environment given (usage: update-image.sh <app> <environment> <image>)"
[ -n "$IMAGE" ] || usage_error "no image given (usage: update-image.sh <app> <environment> <image>)"
[ -n "$GITOPS_REPO" ] || usage_error "GITOPS_REPO is not set: give the URL or path of the GitOps repository"

# Names are DNS labels, as everywhere else in the platform.
dns_label() {
  printf '%s' "$1" | grep -Eq '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'
}
dns_label "$APP_NAME" || usage_error "app name \"$APP_NAME\" is not a DNS-1123 label (lowercase letters, digits and '-')"
dns_label "$ENVIRONMENT" || usage_error "environment \"$ENVIRONMENT\" is not a DNS-1123 label (lowercase letters, digits and '-')"

# The image must be pinned: a tag other than latest, or a digest. Only the characters of an image
# reference are accepted, so the value can be written into JSON without escaping.
printf '%s' "$IMAGE" | grep -Eq '^[a-z0-9][A-Za-z0-9_./:-]*(@sha256:[a-f0-9]{64})?$' \
  || usage_error "image \"$IMAGE\" is not a valid image reference (registry/repository:tag or registry/repository@sha256:<digest>)"
case "$IMAGE" in
  *@sha256:*) ;;
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

# Credentials: a helper that answers from the environment, so the secret never appears in the
# URL, in .git/config or in a process listing.
if [ -n "${GIT_USERNAME:-}" ] || [ -n "${GIT_PASSWORD:-}" ]; then
  # shellcheck disable=SC2016 # expanded by the shell git starts, not here
  set -- -c credential.helper= -c 'credential.helper=!f() { test "$1" = get || exit 0; echo "username=${GIT_USERNAME:-git}"; echo "password=${GIT_PASSWORD:-}"; }; f'
else
  set --
fi
GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-gitops-bot}"
GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-gitops-bot@localhost}"
GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}"
GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}"
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
export GIT_TERMINAL_PROMPT=0

if [ -n "${WORK_DIR:-}" ]; then
  mkdir -p "$WORK_DIR"
  CLONE_DIR="$WORK_DIR/gitops"
  rm -rf "$CLONE_DIR"
else
  TMP_DIR="$(mktemp -d)"
  trap 'rm -rf "$TMP_DIR"' EXIT
  CLONE_DIR="$TMP_DIR/gitops"
fi

echo "update-image: cloning branch $GITOPS_BRANCH of the GitOps repository"
git "$@" clone --quiet --single-branch --branch "$GITOPS_BRANCH" -- "$GITOPS_REPO" "$CLONE_DIR" \
  || fail "cannot clone branch $GITOPS_BRANCH of $GITOPS_REPO (check the URL, the branch and the credentials)"
cd "$CLONE_DIR"

# The line of the app: `  "app": "image"` with an optional trailing comma.
line_pattern="^[ ]*\"$APP_NAME\"[ ]*:[ ]*\"[^\"]*\"[ ]*,?[ ]*\$"

# Applies the change to the work tree and sets CHANGED to yes or no; exits when the file or the app
# is missing.
apply_change() {
  [ -f "$RELEASE_FILE" ] \
    || FAIL_STATUS=2 fail "$RELEASE_FILE does not exist in $GITOPS_REPO (branch $GITOPS_BRANCH): is \"$ENVIRONMENT\" an environment of the platform?"
  count="$(grep -Ec "$line_pattern" "$RELEASE_FILE" || true)"
  [ "$count" -ne 0 ] \
    || FAIL_STATUS=2 fail "$RELEASE_FILE has no line for app \"$APP_NAME\": add the app to the platform first (one \"app\": \"image\" pair per line)"
  [ "$count" -eq 1 ] \
    || FAIL_STATUS=2 fail "$RELEASE_FILE has $count lines for app \"$APP_NAME\": expected exactly one"
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
  mv "$RELEASE_FILE.new" "$RELEASE_FILE"
  if git diff --quiet -- "$RELEASE_FILE"; then
    CHANGED=no
  else
    CHANGED=yes
  fi
}

MESSAGE="deploy $APP_NAME to $ENVIRONMENT: $IMAGE"

# Applies and commits the change; sets CHANGED to yes (committed) or no (already up to date).
commit_change() {
  apply_change
  [ "$CHANGED" = yes ] || return 0
  changed_lines="$(git diff --numstat -- "$RELEASE_FILE" | awk '{ print $1 " " $2 }')"
  [ "$changed_lines" = "1 1" ] || fail "refusing to commit: expected exactly one changed line in $RELEASE_FILE, got: $changed_lines"
  git add -- "$RELEASE_FILE"
  git commit --quiet -m "$MESSAGE"
}

write_commit() {
  if [ -n "${COMMIT_FILE:-}" ]; then
    git rev-parse HEAD > "$COMMIT_FILE"
  fi
}

commit_change
if [ "$CHANGED" = no ]; then
  echo "update-image: $RELEASE_FILE already sets $APP_NAME to $IMAGE; nothing to push"
  write_commit
  exit 0
fi

attempt=1
while :; do
  if git "$@" push --quiet origin "HEAD:refs/heads/$GITOPS_BRANCH"; then
    break
  fi
  [ "$attempt" -lt "$PUSH_ATTEMPTS" ] \
    || fail "push to $GITOPS_BRANCH rejected $attempt times; giving up (nothing was changed on the remote)"
  echo "update-image: push rejected (attempt $attempt of $PUSH_ATTEMPTS); rebasing on $GITOPS_BRANCH and trying again" >&2
  attempt=$((attempt + 1))
  sleep "${PUSH_RETRY_DELAY:-2}"
  if ! git "$@" pull --quiet --rebase origin "$GITOPS_BRANCH"; then
    # The same line changed meanwhile: start again from the remote branch.
    git rebase --abort 2>/dev/null || true
    git "$@" fetch --quiet origin "$GITOPS_BRANCH" || fail "cannot fetch $GITOPS_BRANCH from the GitOps repository"
    git reset --quiet --hard FETCH_HEAD
    commit_change
    if [ "$CHANGED" = no ]; then
      echo "update-image: $RELEASE_FILE on $GITOPS_BRANCH already sets $APP_NAME to $IMAGE; nothing to push"
      write_commit
      exit 0
    fi
  fi
done

write_commit
echo "update-image: pushed \"$MESSAGE\" ($(git rev-parse --short HEAD)) to $GITOPS_BRANCH"
