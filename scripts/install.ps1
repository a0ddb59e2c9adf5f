# Installs the grok2api executable for Windows (x64) from a GitHub release, verified against the
# release's SHA256SUMS. A download whose checksum does not match is refused and nothing is installed.
#
#   irm https://github.com/OWNER/REPO/releases/latest/download/install.ps1 | iex
#
# Settings (environment): GROK2API_VERSION (default latest), GROK2API_INSTALL_DIR (default
# %LOCALAPPDATA%\grok2api), GROK2API_REPO (owner/name; stamped into the release's copy),
# GROK2API_DOWNLOAD_URL (base URL of the release files, overriding the GitHub one).
$ErrorActionPreference = 'Stop'

$repo = if ($env:GROK2API_REPO) { $env:GROK2API_REPO } else { '__GROK2API_REPO__' }
$version = if ($env:GROK2API_VERSION) { $env:GROK2API_VERSION } else { 'latest' }

if (-not [Environment]::Is64BitOperatingSystem) { throw 'grok2api install: only windows-x64 is released' }

if ($env:GROK2API_DOWNLOAD_URL) {
  $base = $env:GROK2API_DOWNLOAD_URL.TrimEnd('/')
} else {
  if ($repo -notmatch '/') { throw 'grok2api install: set GROK2API_REPO=owner/name' }
  $base = if ($version -eq 'latest') { "https://github.com/$repo/releases/latest/download" }
          else { "https://github.com/$repo/releases/download/v$version" }
}

$work = Join-Path ([IO.Path]::GetTempPath()) ("grok2api-" + [Guid]::NewGuid())
New-Item -ItemType Directory -Path $work | Out-Null
try {
  Invoke-WebRequest -UseBasicParsing -Uri "$base/SHA256SUMS" -OutFile "$work\SHA256SUMS"
  $line = Get-Content "$work\SHA256SUMS" | Where-Object { $_ -match '  grok2api-[0-9]\S*-windows-x64\.exe$' } | Select-Object -First 1
  if (-not $line) { throw 'grok2api install: the release has no windows-x64 build' }
  $expected, $file = $line -split '  ', 2
  Invoke-WebRequest -UseBasicParsing -Uri "$base/$file" -OutFile "$work\$file"
  $actual = (Get-FileHash -Algorithm SHA256 "$work\$file").Hash.ToLower()
  if ($actual -ne $expected.ToLower()) {
    throw "grok2api install: checksum mismatch for $file (expected $expected, got $actual); nothing installed"
  }
  $dir = if ($env:GROK2API_INSTALL_DIR) { $env:GROK2API_INSTALL_DIR } else { Join-Path $env:LOCALAPPDATA 'grok2api' }
  New-Item -ItemType Directory -Force -Path $dir | Out-Null
  Move-Item -Force "$work\$file" (Join-Path $dir 'grok2api.exe')
  Write-Host "installed $file as $(Join-Path $dir 'grok2api.exe')"
  if (($env:PATH -split ';') -notcontains $dir) { Write-Host "note: $dir is not on your PATH" }
} finally {
  Remove-Item -Recurse -Force $work
}
