#!/bin/sh
# Installs the grok2api executable for this machine from a GitHub release, verified against the
# release's SHA256SUMS. A download whose checksum does not match is refused and nothing is installed.
#
#   curl -fsSL https://github.com/OWNER/REPO/releases/latest/download/install.sh | sh
#
# Settings (environment):
#   GROK2API_VERSION       a release version such as 0.2.0 (default: the latest release)
#   GROK2API_INSTALL_DIR   where the executable goes (default: /usr/local/bin if writable, else ~/.local/bin)
#   GROK2API_REPO          owner/name of the repository (stamped into the copy attached to each release)
#   GROK2API_DOWNLOAD_URL  base URL of the release files, overriding the GitHub one (mirrors, tests)
set -eu

REPO="${GROK2API_REPO:-__GROK2API_REPO__}"
VERSION="${GROK2API_VERSION:-latest}"

fail() { echo "grok2api install: $*" >&2; exit 1; }

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) fail "no release build for $(uname -s); see the README for running from source" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) fail "no release build for $(uname -m)" ;;
esac
target="$os-$arch"
[ "$target" = darwin-x64 ] && fail "no release build for Intel macs (darwin-arm64 only)"

if [ -n "${GROK2API_DOWNLOAD_URL:-}" ]; then
  base="${GROK2API_DOWNLOAD_URL%/}"
else
  case "$REPO" in */*) ;; *) fail "set GROK2API_REPO=owner/name (this copy of the script was not stamped by a release)" ;; esac
  if [ "$VERSION" = latest ]; then base="https://github.com/$REPO/releases/latest/download"
  else base="https://github.com/$REPO/releases/download/v$VERSION"; fi
fi

if command -v curl >/dev/null 2>&1; then download() { curl -fsSL --retry 2 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then download() { wget -q -O "$2" "$1"; }
else fail "needs curl or wget"; fi

if command -v sha256sum >/dev/null 2>&1; then checksum() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then checksum() { shasum -a 256 "$1" | cut -d' ' -f1; }
else fail "needs sha256sum or shasum to verify the download"; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT INT TERM

download "$base/SHA256SUMS" "$work/SHA256SUMS" || fail "could not download $base/SHA256SUMS"
# The file for this platform, e.g. grok2api-0.2.0-linux-x64 (its version is in the name).
line="$(grep -E "  grok2api-[0-9][^ ]*-$target\$" "$work/SHA256SUMS" | head -n 1 || true)"
[ -n "$line" ] || fail "the release has no build for $target"
expected="${line%%  *}"
file="${line#*  }"
download "$base/$file" "$work/$file" || fail "could not download $base/$file"
actual="$(checksum "$work/$file")"
[ "$actual" = "$expected" ] || fail "checksum mismatch for $file (expected $expected, got $actual); nothing installed"

if [ -n "${GROK2API_INSTALL_DIR:-}" ]; then dir="$GROK2API_INSTALL_DIR"
elif [ -w /usr/local/bin ]; then dir=/usr/local/bin
else dir="$HOME/.local/bin"; fi
mkdir -p "$dir"
chmod 755 "$work/$file"
mv "$work/$file" "$dir/grok2api"
echo "installed $file as $dir/grok2api"
"$dir/grok2api" --version || true
case ":$PATH:" in *":$dir:"*) ;; *) echo "note: $dir is not on your PATH" ;; esac
echo "start it with: grok2api   (console at http://127.0.0.1:8000/admin)"
