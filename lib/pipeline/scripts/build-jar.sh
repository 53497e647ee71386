#!/bin/sh
# Builds the application with Maven or Gradle and copies the one runnable archive it produces to
# ARTIFACT_DIR/app.jar (app_type springboot) or ARTIFACT_DIR/app.war (app_type spring).
# The project's wrapper (mvnw, gradlew) is used when the repository has one.
#
# This step runs the repository's own code (the wrapper, build plugins, tests): its pod holds no
# credential and no Kubernetes token, and CACHE_DIR is the cache of this one app only.
#
# Environment:
#   BUILD_TOOL     maven or gradle (required)
#   APP_TYPE       springboot (an executable .jar) or spring (a .war) (default: springboot)
#   SOURCE_DIR     the checked-out source (required)
#   ARTIFACT_DIR   where to put the archive (required)
#   CACHE_DIR      persistent dependency cache of this app (default: $HOME/.cache)
set -eu
export LC_ALL=C

fail() {
  echo "build-jar: error: $*" >&2
  exit 1
}

BUILD_TOOL="${BUILD_TOOL:-}"
APP_TYPE="${APP_TYPE:-springboot}"
SOURCE_DIR="${SOURCE_DIR:-}"
ARTIFACT_DIR="${ARTIFACT_DIR:-}"
CACHE_DIR="${CACHE_DIR:-${HOME:-/tmp}/.cache}"

[ -n "$SOURCE_DIR" ] || fail "SOURCE_DIR is not set"
[ -n "$ARTIFACT_DIR" ] || fail "ARTIFACT_DIR is not set"
[ -d "$SOURCE_DIR" ] || fail "source directory $SOURCE_DIR does not exist: did the clone step run?"

case "$APP_TYPE" in
  springboot) ext=jar ;;
  spring) ext=war ;;
  *) fail "app_type must be springboot (executable .jar) or spring (.war), got \"$(printf '%s' "$APP_TYPE" | tr -c 'A-Za-z0-9._-' '?' | cut -c1-64)\"" ;;
esac

cd "$SOURCE_DIR"
mkdir -p "$CACHE_DIR"
case "$BUILD_TOOL" in
  maven)
    [ -f pom.xml ] || fail "build_tool is maven but $SOURCE_DIR has no pom.xml (use build_tool=gradle for a Gradle project)"
    if [ -x ./mvnw ]; then tool=./mvnw; else tool=mvn; fi
    output_dir=target
    echo "build-jar: $tool package"
    "$tool" --batch-mode --no-transfer-progress "-Dmaven.repo.local=$CACHE_DIR/maven" package \
      || fail "the Maven build failed (see the log above)"
    ;;
  gradle)
    [ -f build.gradle ] || [ -f build.gradle.kts ] \
      || fail "build_tool is gradle but $SOURCE_DIR has no build.gradle or build.gradle.kts (use build_tool=maven for a Maven project)"
    if [ -x ./gradlew ]; then tool=./gradlew; else tool=gradle; fi
    output_dir=build/libs
    echo "build-jar: $tool build"
    GRADLE_USER_HOME="$CACHE_DIR/gradle" "$tool" --no-daemon --console=plain build \
      || fail "the Gradle build failed (see the log above)"
    ;;
  *) fail "build_tool must be maven or gradle, got \"$(printf '%s' "$BUILD_TOOL" | tr -c 'A-Za-z0-9._-' '?' | cut -c1-64)\"" ;;
esac

# The runnable archive: not the sources, javadoc or plain (non-executable) variants.
found=""
count=0
for f in "$output_dir"/*."$ext"; do
  [ -f "$f" ] || continue
  case "$f" in
    *-sources."$ext" | *-javadoc."$ext" | *-tests."$ext" | *-plain."$ext") continue ;;
  esac
  found="$f"
  count=$((count + 1))
done
[ "$count" -ne 0 ] || fail "the build produced no .$ext in $SOURCE_DIR/$output_dir (app_type $APP_TYPE expects a .$ext)"
[ "$count" -eq 1 ] || fail "the build produced $count .$ext files in $SOURCE_DIR/$output_dir; expected exactly one runnable archive"

mkdir -p "$ARTIFACT_DIR"
cp "$found" "$ARTIFACT_DIR/app.$ext"
echo "build-jar: $found -> $ARTIFACT_DIR/app.$ext"
