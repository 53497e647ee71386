# Included by render-release.sh, which writes a deploy's change, and push-release.sh, which checks
# that the rendered commit holds exactly that change: how the app's line of
# releases/<environment>.json is set. Run as a file, a script sources this one from beside it; in a
# WorkflowTemplate, the synth puts these lines in place of the `. ... # include` line
# (PipelineTemplate's readScript).

# Prints the release file read on standard input with the line of app $1, `  "app": "image"`, set
# to image $2, its indentation and trailing comma kept. Both values are checked by the caller.
set_release_line() {
  awk -v re="^[ ]*\"$1\"[ ]*:[ ]*\"[^\"]*\"[ ]*,?[ ]*\$" -v app="$1" -v image="$2" '
    $0 ~ re {
      match($0, /^[ ]*/)
      indent = substr($0, 1, RLENGTH)
      comma = ($0 ~ /,[ ]*$/) ? "," : ""
      print indent "\"" app "\": \"" image "\"" comma
      next
    }
    { print }
  '
}

# Refuses (status 2, through the caller's `fail`) an $APP_NAME or $ENVIRONMENT that is not a
# DNS-1123 label (names.sh's dns_label) and an $IMAGE that is not an image reference.
check_release_args() {
  dns_label "$APP_NAME" || fail 2 "app name \"$APP_NAME\" is not a DNS-1123 label"
  dns_label "$ENVIRONMENT" || fail 2 "environment \"$ENVIRONMENT\" is not a DNS-1123 label"
  case "$IMAGE" in
    '' | -* | *[!A-Za-z0-9_./:@-]*) fail 2 "image \"$IMAGE\" is not an image reference" ;;
  esac
}
