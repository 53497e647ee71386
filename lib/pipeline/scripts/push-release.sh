#!/bin/sh
# Pushes the commit render-release.sh rendered, the last phase of a deploy (update-image.sh): the
# only phase that holds the GitOps write credential, and it runs no code of the repository. It
# clones the branch afresh (its own repository: no hook or setting of the render's checkout is
# used), reads the rendered commit from the bundle as data, and pushes it only when it is exactly
# one commit on the branch's head that changes the app's line of releases/<environment>.json to
# IMAGE and files under dist/<environment>/, nothing else. What the commit holds was checked by
# the project's synth, gate and drift gate in the render; nothing reached the remote before that.
#
# Environment:
#   GITOPS_REPO, GITOPS_BRANCH, GIT_USERNAME/GIT_PASSWORD  as for update-image.sh
#   APP_NAME, ENVIRONMENT, IMAGE  the deploy
#   OUT_DIR            what render-release.sh wrote (base, release.bundle or unchanged, render.log)
#   RENDER_STATUS_FILE when set (the deploy step), the render's exit status: anything but 0 is
#                      reported with the render's log, and that status is this script's
#   COMMIT_FILE, IMAGE_FILE  when set, the commit that holds the change and the image are written there
#   MOVED_FILE         when set, created when the branch moved since the render (update-image.sh
#                      then renders again)
# Exit status: 0 pushed, or the branch already sets IMAGE; 2 a wrong argument; 3 the rendered
# commit is not the deploy's change (or the render refused); 75 the clone or the push failed, or
# the branch moved since the render (may heal: render again).
set -eu
export LC_ALL=C

fail() {
  status="$1"
  shift
  echo "push-release: error: $*" >&2
  exit "$status"
}

APP_NAME="${APP_NAME:-}"
ENVIRONMENT="${ENVIRONMENT:-}"
IMAGE="${IMAGE:-}"
GITOPS_REPO="${GITOPS_REPO:-}"
GITOPS_BRANCH="${GITOPS_BRANCH:-main}"
OUT_DIR="${OUT_DIR:-}"

# The render's word first: its log is untrusted text, printed without control characters.
if [ -n "${RENDER_STATUS_FILE:-}" ]; then
  status="$(head -c 8 -- "$RENDER_STATUS_FILE" 2>/dev/null | tr -cd '0-9' || true)"
  if [ "$status" != 0 ]; then
    head -c 65536 -- "$OUT_DIR/render.log" 2>/dev/null | tr -cd '\11\12\40-\176' >&2 || true
    case "$status" in
      2 | 3 | 75) exit "$status" ;;
      *) fail 3 "the render failed (status \"$status\"); nothing was pushed" ;;
    esac
  fi
fi

# shellcheck source=include/names.sh
. "$(dirname -- "$0")/include/names.sh" # include
# shellcheck source=include/release-line.sh
. "$(dirname -- "$0")/include/release-line.sh" # include
check_release_args
[ -d "$OUT_DIR" ] || fail 2 "OUT_DIR \"$OUT_DIR\" is not a directory"
# shellcheck source=include/gitops-repo.sh
. "$(dirname -- "$0")/include/gitops-repo.sh" # include

RELEASE_FILE="releases/$ENVIRONMENT.json"
TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$TMP_DIR"' EXIT
REPO="$TMP_DIR/push.git"
write_outputs() {
  if [ -n "${COMMIT_FILE:-}" ]; then printf '%s\n' "$1" > "$COMMIT_FILE"; fi
  if [ -n "${IMAGE_FILE:-}" ]; then printf '%s\n' "$IMAGE" > "$IMAGE_FILE"; fi
}
moved() {
  if [ -n "${MOVED_FILE:-}" ]; then : > "$MOVED_FILE"; fi
  fail 75 "$GITOPS_BRANCH moved since the render ($1); nothing was changed on the remote: render again"
}

git "$@" clone --quiet --bare --depth 1 --single-branch --branch "$GITOPS_BRANCH" -- "$REMOTE" "$REPO" \
  || fail 75 "cannot clone branch $GITOPS_BRANCH of $GITOPS_REPO (check the URL, the branch and the credentials)"
# Local reads only; what talks to the remote passes the credential options ("$@") itself.
g() { git --git-dir "$REPO" "$@"; }
head="$(g rev-parse HEAD)"

# Already there (a retry after a lost answer, or a deploy of the image that runs): nothing to push.
if g show "$head:$RELEASE_FILE" 2>/dev/null | grep -q "^[ ]*\"$APP_NAME\"[ ]*:[ ]*\"$IMAGE\"[ ]*,\\{0,1\\}[ ]*\$"; then
  echo "push-release: $RELEASE_FILE on $GITOPS_BRANCH already sets $APP_NAME to $IMAGE; nothing to push"
  write_outputs "$head"
  exit 0
fi
[ ! -e "$OUT_DIR/unchanged" ] || moved "the render found $IMAGE already set"

base="$(head -c 41 -- "$OUT_DIR/base" 2>/dev/null | tr -d '\n' || true)"
case "$base" in
  *[!0-9a-f]*) fail 3 "the render's base \"$base\" is not a commit id" ;;
esac
[ "${#base}" -eq 40 ] || fail 3 "the render wrote no base commit; nothing was pushed"
[ "$base" = "$head" ] || moved "rendered on ${base%"${base#???????}"}, the branch is at ${head%"${head#???????}"}"

# The rendered commit, read from the bundle as data into this repository.
[ -f "$OUT_DIR/release.bundle" ] || fail 3 "the render wrote no commit; nothing was pushed"
g fetch --quiet --no-write-fetch-head "$OUT_DIR/release.bundle" "+HEAD:refs/rendered" 2> "$TMP_DIR/err" \
  || { cat -- "$TMP_DIR/err" >&2; fail 3 "the render's bundle cannot be read; nothing was pushed"; }
commit="$(g rev-parse --verify --quiet 'refs/rendered^{commit}')" || fail 3 "the render's bundle holds no commit"

# Exactly one commit on the head, changing the release line and dist/<environment>/ alone.
[ "$(g rev-list --parents -n 1 "$commit")" = "$commit $head" ] \
  || fail 3 "the rendered commit is not one commit on $GITOPS_BRANCH's head; nothing was pushed"
g diff --raw --no-renames "$head" "$commit" > "$TMP_DIR/raw"
while IFS= read -r line; do
  path="${line#*	}"
  new_mode="$(printf '%s\n' "$line" | awk '{ print $2 }')"
  case "$path" in
    "$RELEASE_FILE" | "dist/$ENVIRONMENT/"*) ;;
    *) fail 3 "the rendered commit changes $path, outside $RELEASE_FILE and dist/$ENVIRONMENT/; nothing was pushed" ;;
  esac
  case "$new_mode" in
    100644 | 000000) ;;
    *) fail 3 "the rendered commit makes $path a file of mode $new_mode, not a plain file; nothing was pushed" ;;
  esac
done < "$TMP_DIR/raw"
g show "$head:$RELEASE_FILE" | set_release_line "$APP_NAME" "$IMAGE" > "$TMP_DIR/expected"
g show "$commit:$RELEASE_FILE" > "$TMP_DIR/rendered" 2>/dev/null || : > "$TMP_DIR/rendered"
cmp -s "$TMP_DIR/expected" "$TMP_DIR/rendered" \
  || fail 3 "the rendered $RELEASE_FILE is not the branch's with $APP_NAME set to $IMAGE; nothing was pushed"

if ! git "$@" --git-dir "$REPO" push --quiet origin -- "$commit:refs/heads/$GITOPS_BRANCH" 2> "$TMP_DIR/err"; then
  cat -- "$TMP_DIR/err" >&2
  # A branch that moved shows as a non-fast-forward rejection or, when two pushes meet at the ref
  # lock, as "failed to update ref": ask the remote rather than parse git's words.
  now="$(git "$@" --git-dir "$REPO" ls-remote origin -- "refs/heads/$GITOPS_BRANCH" 2>/dev/null | awk '{ print $1 }')" || now=
  [ -z "$now" ] || [ "$now" = "$head" ] || moved "another commit was pushed first"
  fail 75 "cannot push to $GITOPS_BRANCH (above); nothing was changed on the remote"
fi
write_outputs "$commit"
echo "push-release: pushed \"$(g log -1 --format=%s "$commit")\" ($(g rev-parse --short "$commit")) to $GITOPS_BRANCH"
