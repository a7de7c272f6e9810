# Shared by scripts/check and scripts/demo (sourced, not run): installs what
# a fresh Debian 12 lacks and builds Fidèle in a build directory.

FIDELE_PACKAGES="build-essential autoconf automake make gcc pkg-config zlib1g-dev
 libfcgi-dev libmariadb-dev clearsilver-dev libcurl4-openssl-dev libssl-dev
 libcsv-dev libzip-dev libexpat1-dev libxlsxwriter-dev libqrencode-dev
 mariadb-server mariadb-client galera-4 rsync nginx spawn-fcgi python3 python3-aiosmtpd tidy curl
 chromium fonts-dejavu-core clang libjansson-dev php8.2-cli apache2 libapache2-mod-fcgid
 dpkg-dev debhelper fakeroot lintian debootstrap"

# Installs the packages of the list that are missing (needs root).
install_packages() {
    missing=""
    for package in $FIDELE_PACKAGES "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing="$missing $package"
    done
    [ -z "$missing" ] && return 0
    echo "installing:$missing"
    if [ "$(id -u)" != 0 ]; then
        echo "run as root to install the missing packages" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # services must not start by themselves: the stack runs its own
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing </dev/null
    rm -f /usr/sbin/policy-rc.d
}

# axe-core, the accessibility rules the browser tests run on the public
# pages (tests/browser/browsing.py, assert_accessible). Its axe.min.js is
# 650 KB of minified third-party JavaScript, and no Debian package has it:
# rather than commit it, this fetches a pinned version from the npm
# registry into a cache outside the tree, checks it against the SHA-256
# written here (so every run tests with the same rules), and exports its
# path as FIDELE_AXE. npm comes with Node.js; Debian's package is only
# installed when no npm is found.
FIDELE_AXE_VERSION=4.14.1
FIDELE_AXE_SHA256=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
FIDELE_AXE_DIR=${FIDELE_AXE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fidele/axe-core-$FIDELE_AXE_VERSION}

install_axe() {
    axe_file="$FIDELE_AXE_DIR/node_modules/axe-core/axe.min.js"
    if ! echo "$FIDELE_AXE_SHA256  $axe_file" | sha256sum -c --status - 2>/dev/null; then
        command -v npm >/dev/null 2>&1 || install_packages npm
        mkdir -p "$FIDELE_AXE_DIR"
        npm install --no-save --no-audit --no-fund --ignore-scripts --no-package-lock \
            --prefix "$FIDELE_AXE_DIR" "axe-core@$FIDELE_AXE_VERSION" >/dev/null
        if ! echo "$FIDELE_AXE_SHA256  $axe_file" | sha256sum -c --status -; then
            echo "axe-core $FIDELE_AXE_VERSION from npm is not the file pinned in scripts/setup.sh" >&2
            exit 1
        fi
    fi
    FIDELE_AXE=$axe_file
    export FIDELE_AXE
}

# build DIR [configure arguments…]: bootstraps if needed, configures DIR
# from the source tree and builds it.
build() {
    dir=$1
    shift
    [ -x configure ] || autoreconf -fi
    mkdir -p "$dir"
    (cd "$dir" && { [ -f Makefile ] || ../configure --quiet "$@"; } && make -j"$(nproc)" >/dev/null)
}
