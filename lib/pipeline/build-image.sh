#!/bin/sh
# Builds the application image with rootless BuildKit (buildctl-daemonless.sh) and pushes it.
#
# The image is built from the repository's own Dockerfile when the source has one at its root;
# otherwise from a generated Dockerfile that copies ARTIFACT_DIR/app.jar onto JAR_BASE_IMAGE
# (app_type springboot) or ARTIFACT_DIR/app.war onto WAR_BASE_IMAGE (app_type spring).
# The image runs as the numeric user 10001, so runAsNonRoot holds.
#
# Outputs, in OUT_DIR:
#   build_output.log   the whole build log
#   digest             the digest of the pushed image (sha256:...)
#   image_ref          IMAGE:TAG@digest, the reference to deploy
#
# Environment:
#   IMAGE          registry/repository, without tag (required)
#   TAG            the tag to push (required; not latest)
#   APP_TYPE       springboot or spring (default: springboot)
#   SOURCE_DIR     the checked-out source, if the archive was built from source (optional)
#   ARTIFACT_DIR   the directory with app.jar or app.war (required)
#   OUT_DIR        where the outputs go (default: /mnt/out)
#   CONTEXT_DIR    scratch directory for a generated build context (default: a temporary one)
#   JAR_BASE_IMAGE, WAR_BASE_IMAGE
#                  base images of generated Dockerfiles (required when generating)
#   DOCKER_CONFIG  directory holding config.json with the registry credentials
#   BUILDCTL       the build command (default: buildctl-daemonless.sh)
set -eu

fail() {
  echo "build-image: error: $*" >&2
  exit 1
}

IMAGE="${IMAGE:-}"
TAG="${TAG:-}"
APP_TYPE="${APP_TYPE:-springboot}"
SOURCE_DIR="${SOURCE_DIR:-}"
ARTIFACT_DIR="${ARTIFACT_DIR:-}"
OUT_DIR="${OUT_DIR:-/mnt/out}"
BUILDCTL="${BUILDCTL:-buildctl-daemonless.sh}"

[ -n "$IMAGE" ] || fail "the parameter image is empty: give registry/repository, e.g. ghcr.io/acme/orders"
[ -n "$TAG" ] || fail "the parameter tag is empty: give a version tag, e.g. 1.4.3 or the commit"
case "$IMAGE" in
  *@*) fail "image must be registry/repository without a digest, got \"$IMAGE\"" ;;
esac
case "${IMAGE##*/}" in
  *:*) fail "image must be registry/repository without a tag (the tag is the parameter tag), got \"$IMAGE\"" ;;
esac
[ "$TAG" != latest ] || fail "the tag latest does not say what runs: give a version tag, e.g. 1.4.3 or the commit"
printf '%s' "$TAG" | grep -Eq '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$' \
  || fail "tag \"$TAG\" is not a valid image tag (letters, digits, '_', '.', '-'; at most 128 characters)"
[ -n "$ARTIFACT_DIR" ] || fail "ARTIFACT_DIR is not set"

case "$APP_TYPE" in
  springboot) ext=jar ;;
  spring) ext=war ;;
  *) fail "app_type must be springboot (executable .jar) or spring (.war), got \"$APP_TYPE\"" ;;
esac

mkdir -p "$OUT_DIR"
LOG="$OUT_DIR/build_output.log"
: > "$LOG"

if [ -n "$SOURCE_DIR" ] && [ -f "$SOURCE_DIR/Dockerfile" ]; then
  context="$SOURCE_DIR"
  echo "build-image: building with the repository's Dockerfile" | tee -a "$LOG"
else
  archive="$ARTIFACT_DIR/app.$ext"
  [ -f "$archive" ] || fail "$archive does not exist: the build or fetch step did not produce a .$ext (app_type $APP_TYPE)"
  context="${CONTEXT_DIR:-$(mktemp -d)}"
  mkdir -p "$context"
  cp "$archive" "$context/app.$ext"
  if [ "$ext" = jar ]; then
    base="${JAR_BASE_IMAGE:?JAR_BASE_IMAGE is not set}"
    cat > "$context/Dockerfile" <<DOCKERFILE
FROM $base
WORKDIR /app
COPY --chown=10001:0 app.jar /app/app.jar
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
DOCKERFILE
  else
    base="${WAR_BASE_IMAGE:?WAR_BASE_IMAGE is not set}"
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
