#!/bin/sh
# Builds the application image with rootless BuildKit (buildctl-daemonless.sh) and pushes it.
#
# The image is built from the repository's own Dockerfile when the source has one at its root
# (every FROM, and a `# syntax=` frontend, must then be pinned by digest); otherwise from a generated Dockerfile that copies
# ARTIFACT_DIR/app.jar onto JAR_BASE_IMAGE (app_type springboot) or ARTIFACT_DIR/app.war onto
# WAR_BASE_IMAGE (app_type spring), both pinned by digest. The image runs as the numeric user
# 10001, so runAsNonRoot holds.
#
# Before building, the tag is looked up in the registry (a build whose Dockerfile is only
# `FROM IMAGE:TAG`): an existing tag is never overwritten unless OVERWRITE_TAG is true.
#
# Outputs, in OUT_DIR:
#   build_output.log   the whole build log
#   digest             the digest of the pushed image (sha256:...)
#   image_ref          IMAGE:TAG@digest, the reference to deploy
#
# Environment:
#   APP_NAME       the app (required)
#   IMAGE          registry/repository, without tag (required); must be the app's in ALLOWED_IMAGES
#   ALLOWED_IMAGES "app=registry/repository" pairs, or one "*=registry/path/{app}" pattern,
#                  separated by spaces, fixed at synth (required)
#   TAG            the tag to push (required; not latest)
#   OVERWRITE_TAG  true to replace an existing tag (default: false)
#   APP_TYPE       springboot or spring (default: springboot)
#   SOURCE_DIR     the checked-out source, if the archive was built from source (optional)
#   ARTIFACT_DIR   the directory with app.jar or app.war (required)
#   OUT_DIR        where the outputs go (default: /mnt/out)
#   CONTEXT_DIR    scratch directory for a generated build context (default: a temporary one)
#   JAR_BASE_IMAGE, WAR_BASE_IMAGE
#                  base images of generated Dockerfiles, repository:tag@sha256:... (required when generating)
#   DOCKER_CONFIG  directory holding config.json with the registry credentials
#   BUILDCTL       the build command (default: buildctl-daemonless.sh)
set -eu
export LC_ALL=C

# fail MESSAGE [STATUS]: status 2 for what does not heal (the workflow does not retry it).
fail() {
  echo "build-image: error: $1" >&2
  exit "${2:-1}"
}

# shellcheck source=include/values.sh
. "$(dirname -- "$0")/include/values.sh" # include

APP_NAME="${APP_NAME:-}"
IMAGE="${IMAGE:-}"
ALLOWED_IMAGES="${ALLOWED_IMAGES:-}"
TAG="${TAG:-}"
OVERWRITE_TAG="${OVERWRITE_TAG:-false}"
APP_TYPE="${APP_TYPE:-springboot}"
SOURCE_DIR="${SOURCE_DIR:-}"
ARTIFACT_DIR="${ARTIFACT_DIR:-}"
OUT_DIR="${OUT_DIR:-/mnt/out}"
BUILDCTL="${BUILDCTL:-buildctl-daemonless.sh}"
DIGEST_RE='sha256:[a-f0-9]{64}'
REPOSITORY='[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)+'

[ -n "$IMAGE" ] || fail "the parameter image is empty: give registry/repository, e.g. ghcr.io/acme/orders" 2
[ -n "$TAG" ] || fail "the parameter tag is empty: give a version tag, e.g. 1.4.3 or the commit" 2
case "$IMAGE" in
  *@*) fail "image must be registry/repository without a digest, got $(shown "$IMAGE")" 2 ;;
esac
case "${IMAGE##*/}" in
  *:*) fail "image must be registry/repository without a tag (the tag is the parameter tag), got $(shown "$IMAGE")" 2 ;;
esac
matches "$IMAGE" "$REPOSITORY" || fail "image must be registry/repository in lowercase, without tag, digest or options, got $(shown "$IMAGE")" 2
matches "$APP_NAME" '[a-z]([-a-z0-9]{0,61}[a-z0-9])?' || fail "app_name must be an app name, got $(shown "$APP_NAME")" 2
repositories_of "$APP_NAME" | grep -Fxq -e "$IMAGE" \
  || fail "image \"$IMAGE\" is not a repository the platform allows for the app $APP_NAME (allowed: $(repositories_of "$APP_NAME" | tr '\n' ' '))" 2
[ "$TAG" != latest ] || fail "the tag latest does not say what runs: give a version tag, e.g. 1.4.3 or the commit" 2
matches "$TAG" '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}' \
  || fail "tag $(shown "$TAG") is not a valid image tag (letters, digits, '_', '.', '-'; at most 128 characters)" 2
case "$OVERWRITE_TAG" in
  true | false) ;;
  *) fail "overwrite_tag must be true or false, got $(shown "$OVERWRITE_TAG")" 2 ;;
esac
[ -n "$ARTIFACT_DIR" ] || fail "ARTIFACT_DIR is not set" 2

case "$APP_TYPE" in
  springboot) ext=jar ;;
  spring) ext=war ;;
  *) fail "app_type must be springboot (executable .jar) or spring (.war), got $(shown "$APP_TYPE")" 2 ;;
esac

mkdir -p "$OUT_DIR"
LOG="$OUT_DIR/build_output.log"
: > "$LOG"

# Every FROM of a Dockerfile names an earlier stage, scratch, or an image pinned by digest.
check_pins() {
  dockerfile="$1"
  stages=" scratch "
  lineno=0
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    # A "# syntax=<image>" directive runs that image as the Dockerfile frontend: pinned too.
    syntax="$(printf '%s\n' "$line" | sed -n 's/^[[:space:]]*#[[:space:]]*[Ss][Yy][Nn][Tt][Aa][Xx][[:space:]]*=[[:space:]]*//p')"
    if [ -n "$syntax" ]; then
      matches "$syntax" "[A-Za-z0-9._/:-]+@$DIGEST_RE" \
        || fail "Dockerfile line $lineno: the frontend $(shown "$syntax") is not pinned by digest: write # syntax=image:tag@sha256:..., or remove the directive to use the built-in frontend"
      continue
    fi
    set -f
    # shellcheck disable=SC2086 # split the instruction into words
    set -- $line
    set +f
    case "${1:-}" in [Ff][Rr][Oo][Mm]) ;; *) continue ;; esac
    shift
    while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do shift; done
    from="${1:-}"
    lower="$(printf '%s' "$from" | tr '[:upper:]' '[:lower:]')"
    case "$stages" in
      *" $lower "*) ;;
      *)
        case "$from" in
          *'$'*) fail "Dockerfile line $lineno: FROM $(shown "$from") is chosen by a build argument; name the image, pinned by digest (image:tag@sha256:...)" ;;
        esac
        matches "$from" "[A-Za-z0-9._/:-]+@$DIGEST_RE" \
          || fail "Dockerfile line $lineno: FROM $(shown "$from") is not pinned by digest: write image:tag@sha256:... so a moved tag cannot change what is built"
        ;;
    esac
    if [ $# -ge 3 ]; then
      case "$2" in [Aa][Ss]) stages="$stages$(printf '%s' "$3" | tr '[:upper:]' '[:lower:]') " ;; esac
    fi
  done < "$dockerfile"
}

if [ -n "$SOURCE_DIR" ] && [ -f "$SOURCE_DIR/Dockerfile" ]; then
  context="$SOURCE_DIR"
  check_pins "$context/Dockerfile"
  echo "build-image: building with the repository's Dockerfile" | tee -a "$LOG"
else
  archive="$ARTIFACT_DIR/app.$ext"
  [ -f "$archive" ] || fail "$archive does not exist: the build or fetch step did not produce a .$ext (app_type $APP_TYPE)"
  context="${CONTEXT_DIR:-$(mktemp -d)}"
  mkdir -p "$context"
  cp "$archive" "$context/app.$ext"
  if [ "$ext" = jar ]; then
    base="${JAR_BASE_IMAGE:-}"
    matches "$base" "[A-Za-z0-9._/:-]+@$DIGEST_RE" || fail "JAR_BASE_IMAGE must be pinned by digest (image:tag@sha256:...), got $(shown "$base")" 2
    cat > "$context/Dockerfile" <<DOCKERFILE
FROM $base
WORKDIR /app
COPY --chown=10001:0 app.jar /app/app.jar
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
DOCKERFILE
  else
    base="${WAR_BASE_IMAGE:-}"
    matches "$base" "[A-Za-z0-9._/:-]+@$DIGEST_RE" || fail "WAR_BASE_IMAGE must be pinned by digest (image:tag@sha256:...), got $(shown "$base")" 2
    cat > "$context/Dockerfile" <<DOCKERFILE
FROM $base
RUN rm -rf /usr/local/tomcat/webapps/* \\
 && chown -R 10001:0 /usr/local/tomcat/logs /usr/local/tomcat/temp /usr/local/tomcat/work /usr/local/tomcat/webapps
COPY --chown=10001:0 app.war /usr/local/tomcat/webapps/ROOT.war
USER 10001
EXPOSE 8080
DOCKERFILE
  fi
  echo "build-image: building from the generated Dockerfile (base $base)" | tee -a "$LOG"
fi

target="$IMAGE:$TAG"

# Does the tag exist? BuildKit resolves the image of a FROM with the registry credentials: success
# means it exists; "not found" (or the registry's MANIFEST_UNKNOWN / NAME_UNKNOWN) means it does
# not; anything else is an error, and nothing is pushed (a lookup that failed proves nothing).
probe="$(mktemp -d)"
printf 'FROM %s\n' "$target" > "$probe/Dockerfile"
probe_status=0
"$BUILDCTL" build --progress plain --frontend dockerfile.v0 \
  --local "context=$probe" --local "dockerfile=$probe" > "$probe/output" 2>&1 || probe_status=$?
if [ "$probe_status" -eq 0 ]; then
  if [ "$OVERWRITE_TAG" = true ]; then
    echo "build-image: $target exists and overwrite_tag is true: it will be replaced" | tee -a "$LOG"
  else
    rm -rf "$probe"
    fail "$target already exists in the registry: a tag names one build. Give a new tag, or set overwrite_tag=true to replace it on purpose" 2
  fi
elif grep -Eiq 'not found|manifest unknown|name unknown' "$probe/output"; then
  echo "build-image: $target does not exist yet" | tee -a "$LOG"
else
  tail -n 5 "$probe/output" | tr -c 'A-Za-z0-9._~:/?#@!$&()*+,;=% \n"-' '?' >&2
  rm -rf "$probe"
  fail "cannot tell whether $target exists (lookup exit status $probe_status); nothing was pushed: check the registry and its credentials Secret"
fi
rm -rf "$probe"

echo "build-image: building and pushing $target" | tee -a "$LOG"

# Stream the log to the pod's output and keep a copy, without needing pipefail.
fifo="$(mktemp -u)"
mkfifo "$fifo"
tee -a "$LOG" < "$fifo" &
tee_pid=$!
status=0
"$BUILDCTL" build \
  --progress plain \
  --frontend dockerfile.v0 \
  --local "context=$context" \
  --local "dockerfile=$context" \
  --output "type=image,name=$target,push=true" \
  --metadata-file "$OUT_DIR/metadata.json" \
  > "$fifo" 2>&1 || status=$?
wait "$tee_pid" || true
rm -f "$fifo"
[ "$status" -eq 0 ] || fail "the image build or push failed (exit status $status); see $LOG and check the registry credentials Secret"

digest="$(sed -n 's/.*"containerimage\.digest"[[:space:]]*:[[:space:]]*"\(sha256:[a-f0-9]\{64\}\)".*/\1/p' "$OUT_DIR/metadata.json" | head -n 1)"
[ -n "$digest" ] || fail "the build metadata has no image digest ($OUT_DIR/metadata.json)"
printf '%s' "$digest" > "$OUT_DIR/digest"
printf '%s' "$target@$digest" > "$OUT_DIR/image_ref"
echo "build-image: pushed $target@$digest" | tee -a "$LOG"
