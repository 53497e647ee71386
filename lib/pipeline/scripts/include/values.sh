# Included by the build-side scripts (check-parameters.sh, clone-source.sh, fetch-artifact.sh,
# build-image.sh): how a parameter is checked as a whole value and shown in a message. Run as a
# file, a script sources this one from beside it; in a WorkflowTemplate, the synth puts these lines
# in place of the `. ... # include` line (PipelineTemplate's readScript).

nl='
'
# True when $1 is one line, does not start with '-', and matches the extended regex $2 as a whole.
# (grep matches line by line, hence the newline test first.)
matches() {
  case "$1" in
    *"$nl"* | -*) return 1 ;;
  esac
  printf '%s\n' "$1" | grep -Eq -e "^($2)\$"
}

# A value as it may appear in a message: printable, credentials and query removed, at most 200 characters.
shown() {
  printf '"%s"' "$(printf '%s' "$1" | tr -c 'A-Za-z0-9._~:/?#@!$&()*+,;=%-' '?' | sed -e 's#//[^/@]*@#//***@#' -e 's#?.*#?***#' | cut -c1-200)"
}

# The repositories that ALLOWED_IMAGES allows for the app $1, one per line: "app=repository"
# entries name one; a "*=registry/path/{app}" entry allows that pattern for every app.
repositories_of() {
  set -f
  for pair in $ALLOWED_IMAGES; do
    case "$pair" in
      "$1="*) printf '%s\n' "${pair#*=}" ;;
      "*="*"{app}"*)
        pattern="${pair#*=}"
        printf '%s\n' "${pattern%%"{app}"*}$1${pattern#*"{app}"}"
        ;;
    esac
  done
  set +f
}
