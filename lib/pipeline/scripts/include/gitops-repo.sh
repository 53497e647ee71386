# Included by the scripts that read or write the GitOps repository (update-image.sh,
# previous-image.sh, promote-release.sh): the repository and branch checked, the repository as git
# reaches it, and its credentials. Run as a file, a script sources this one from beside it; in a
# WorkflowTemplate, the synth puts these lines in place of the `. ... # include` line
# (PipelineTemplate's readScript).
# Needs GITOPS_REPO, GITOPS_BRANCH and `fail STATUS MESSAGE` from the script; sets REMOTE and the
# script's positional parameters to the options git is called with (`git "$@" ...`).

# Both reach git after `--` or as values of options, and are checked as whole values anyway.
case "$GITOPS_REPO" in
  '' | -* | *"
"*) fail 2 "GITOPS_REPO must be the URL or path of the GitOps repository, on one line, not starting with '-'" ;;
esac
case "$GITOPS_BRANCH" in
  '' | -* | *..* | *[!A-Za-z0-9._/-]*) fail 2 "GITOPS_BRANCH \"$GITOPS_BRANCH\" is not a branch name" ;;
esac
export GIT_TERMINAL_PROMPT=0

# A local path is cloned through file:// so that --depth applies (git ignores it for plain paths).
if [ -d "$GITOPS_REPO" ]; then
  REMOTE="file://$(cd "$GITOPS_REPO" && pwd)"
else
  REMOTE="$GITOPS_REPO"
fi

# Credentials: a helper that answers from the environment, only for the GitOps repository's own
# protocol and host, so the token never appears in a URL, in .git/config or in a process listing.
if [ -n "${GIT_USERNAME:-}" ] || [ -n "${GIT_PASSWORD:-}" ]; then
  case "$REMOTE" in
    https://*) ;;
    *) fail 2 "GIT_USERNAME/GIT_PASSWORD are only sent over https://, but GITOPS_REPO is \"$GITOPS_REPO\"" ;;
  esac
  GITOPS_HOST="${REMOTE#https://}"
  GITOPS_HOST="${GITOPS_HOST%%/*}"
  export GITOPS_HOST
  # shellcheck disable=SC2016 # expanded by the shell git starts, not here
  HELPER='!f() { test "$1" = get || exit 0; p=; h=; while IFS= read -r l; do case "$l" in protocol=*) p="${l#protocol=}" ;; host=*) h="${l#host=}" ;; esac; done; test "$p" = https && test "$h" = "$GITOPS_HOST" || exit 0; echo "username=${GIT_USERNAME:-git}"; echo "password=${GIT_PASSWORD:-}"; }; f'
  set -- -c credential.helper= -c "credential.helper=$HELPER"
else
  set --
fi
