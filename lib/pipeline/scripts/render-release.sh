#!/bin/sh
# Renders one deploy in a checkout of the GitOps repository (checkout-gitops.sh made it): sets the
# app's line in releases/<environment>.json, runs the project's synth (which runs the validation
# gate), commits the release file and the re-rendered dist/<environment>/ and nothing else, runs
# the project's drift gate (`npm run check`) on that commit, and writes it as a Git bundle for
# push-release.sh. This is the one phase that runs code of the repository (npm, main.ts, lib/), so
# it holds no credential: it refuses to start with GIT_USERNAME or GIT_PASSWORD set, and pushes
# nothing. Dependencies are installed without their lifecycle scripts (`npm ci --ignore-scripts`);
# INSTALL_SCRIPTS names the packages whose install scripts the platform needs (`npm rebuild`).
#
# Environment:
#   APP_NAME, ENVIRONMENT, IMAGE  the deploy (checked again: they are written into JSON)
#   CLONE_DIR         the checkout (required)
#   OUT_DIR           where the result goes (required): `base` (the commit rendered on), and
#                     `release.bundle` (the new commit), or `unchanged` when the line already held IMAGE
#   NODE_MODULES_DIR  an installed node_modules of the project to link instead of `npm ci`
#   INSTALL_SCRIPTS   package names, space-separated, whose install scripts run (default: none)
#   STATUS_FILE       when set (the deploy step's render container), the exit status is written
#                     there, the output goes to OUT_DIR/render.log, and the script exits 0: the push
#                     container reports it
# Exit status: 0 rendered (or unchanged); 2 a wrong argument or a missing app; 3 the synth, the
# gate or the drift gate refused, or the synth changed other files; 75 npm ci failed.
set -eu
export LC_ALL=C

fail() {
  status="$1"
  shift
  echo "render-release: error: $*" >&2
  exit "$status"
}

APP_NAME="${APP_NAME:-}"
ENVIRONMENT="${ENVIRONMENT:-}"
IMAGE="${IMAGE:-}"
CLONE_DIR="${CLONE_DIR:-}"
OUT_DIR="${OUT_DIR:-}"
INSTALL_SCRIPTS="${INSTALL_SCRIPTS:-}"
if [ -n "${STATUS_FILE:-}" ]; then
  trap 'echo "$?" > "$STATUS_FILE"; exit 0' EXIT
  case "$OUT_DIR" in
    /*) mkdir -p -- "$OUT_DIR" ;;
    *) fail 2 "OUT_DIR must be an absolute path, got \"$OUT_DIR\"" ;;
  esac
  exec > "$OUT_DIR/render.log" 2>&1
fi

# The write credential never reaches the code of the repository.
[ -z "${GIT_USERNAME:-}${GIT_PASSWORD:-}" ] \
  || fail 2 "GIT_USERNAME/GIT_PASSWORD are set: the render runs the repository's code and must not hold the GitOps credentials"
# shellcheck source=include/names.sh
. "$(dirname -- "$0")/include/names.sh" # include
# shellcheck source=include/release-line.sh
. "$(dirname -- "$0")/include/release-line.sh" # include
check_release_args
[ -d "$CLONE_DIR/.git" ] || fail 2 "CLONE_DIR \"$CLONE_DIR\" is not a Git checkout"
[ -d "$OUT_DIR" ] || fail 2 "OUT_DIR \"$OUT_DIR\" is not a directory"
set -f
for pkg in $INSTALL_SCRIPTS; do
  case "$pkg" in
    -* | *[!a-z0-9@/._-]*) fail 2 "INSTALL_SCRIPTS: \"$pkg\" is not a package name" ;;
  esac
done
set +f

RELEASE_FILE="releases/$ENVIRONMENT.json"
DIST_DIR="dist/$ENVIRONMENT"
LOG="$OUT_DIR/npm.log"
cd "$CLONE_DIR"
# The linked or installed node_modules is never part of a commit.
echo node_modules >> .git/info/exclude
{ [ -f package.json ] && [ -f package-lock.json ]; } \
  || fail 2 "the GitOps repository has no package.json and package-lock.json: it must hold the platform project, which renders dist/"
base="$(git rev-parse HEAD)"
printf '%s\n' "$base" > "$OUT_DIR/base"

# The app's line, `  "app": "image"` with an optional trailing comma, set to IMAGE.
line_pattern="^[ ]*\"$APP_NAME\"[ ]*:[ ]*\"[^\"]*\"[ ]*,?[ ]*\$"
[ -f "$RELEASE_FILE" ] || fail 2 "$RELEASE_FILE does not exist: is \"$ENVIRONMENT\" an environment of the platform?"
count="$(grep -Ec "$line_pattern" "$RELEASE_FILE" || true)"
[ "$count" -ne 0 ] || fail 2 "$RELEASE_FILE has no line for app \"$APP_NAME\": add the app to the platform first (one \"app\": \"image\" pair per line)"
[ "$count" -eq 1 ] || fail 2 "$RELEASE_FILE has $count lines for app \"$APP_NAME\": expected exactly one"
set_release_line "$APP_NAME" "$IMAGE" < "$RELEASE_FILE" > "$RELEASE_FILE.new"
mv -- "$RELEASE_FILE.new" "$RELEASE_FILE"
if git diff --quiet -- "$RELEASE_FILE"; then
  echo "render-release: $RELEASE_FILE already sets $APP_NAME to $IMAGE; nothing to render"
  : > "$OUT_DIR/unchanged"
  exit 0
fi

if [ -n "${NODE_MODULES_DIR:-}" ]; then
  [ -d "$NODE_MODULES_DIR/.bin" ] || fail 2 "NODE_MODULES_DIR \"$NODE_MODULES_DIR\" is not an installed node_modules"
  ln -s -- "$NODE_MODULES_DIR" node_modules
else
  echo "render-release: installing the project's dependencies (npm ci --omit=dev --ignore-scripts)"
  npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline > "$LOG" 2>&1 \
    || { cat -- "$LOG" >&2; fail 75 "npm ci failed"; }
  if [ -n "$INSTALL_SCRIPTS" ]; then
    echo "render-release: running the install scripts of $INSTALL_SCRIPTS (INSTALL_SCRIPTS)"
    # shellcheck disable=SC2086 # package names, checked above
    (set -f; npm rebuild --no-audit --no-fund -- $INSTALL_SCRIPTS) > "$LOG" 2>&1 \
      || { cat -- "$LOG" >&2; fail 3 "the install scripts of $INSTALL_SCRIPTS failed"; }
  fi
fi

echo "render-release: rendering dist/ (npm run synth: synth and validation gate)"
npm run --silent synth > "$LOG" 2>&1 \
  || { cat -- "$LOG" >&2; fail 3 "the synth or the validation gate refused $IMAGE for $APP_NAME in $ENVIRONMENT (above); nothing was pushed"; }
changed_lines="$(git diff --numstat -- "$RELEASE_FILE" | awk '{ print $1 " " $2 }')"
[ "$changed_lines" = "1 1" ] || fail 3 "expected exactly one changed line in $RELEASE_FILE, got: $changed_lines"
git add --all -- "$RELEASE_FILE" "$DIST_DIR"
others="$(git status --porcelain --untracked-files=all | grep -v '^[AMDR] ' || true)"
[ -z "$others" ] || fail 3 "the synth changed files outside $RELEASE_FILE and $DIST_DIR/ (main.ts and dist/ disagree on the branch: run npm run synth there and commit); nothing was pushed:
$others"
outside="$(git diff --cached --name-only | grep -v -e "^$RELEASE_FILE\$" -e "^$DIST_DIR/" || true)"
[ -z "$outside" ] || fail 3 "refusing to commit files outside $RELEASE_FILE and $DIST_DIR/: $outside"
git commit --quiet -m "deploy $APP_NAME to $ENVIRONMENT: $IMAGE" -m "Rendered by lib/pipeline/scripts/update-image.sh: $RELEASE_FILE and $DIST_DIR/ only."

# The project's own drift gate on the commit that will be pushed: dist/ at HEAD is what main.ts renders.
echo "render-release: checking the commit (npm run check)"
npm run --silent check > "$LOG" 2>&1 \
  || { cat -- "$LOG" >&2; fail 3 "the project's checks (npm run check) refused the rendered commit (above); nothing was pushed"; }
git bundle create --quiet "$OUT_DIR/release.bundle" "$base..HEAD" 2> "$LOG" \
  || { cat -- "$LOG" >&2; fail 3 "cannot write the rendered commit as a bundle"; }
echo "render-release: rendered $(git rev-parse --short HEAD) on $(git rev-parse --short "$base")"
