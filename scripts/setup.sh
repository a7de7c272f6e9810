# Shared by scripts/check and scripts/demo (sourced, not run): installs what
# a fresh Debian 12 lacks and builds Fidèle in a build directory.

FIDELE_PACKAGES="build-essential autoconf automake make gcc pkg-config zlib1g-dev
 libfcgi-dev libmariadb-dev clearsilver-dev libcurl4-openssl-dev libssl-dev
 libcsv-dev libzip-dev libexpat1-dev libxlsxwriter-dev libqrencode-dev
 mariadb-server mariadb-client nginx spawn-fcgi python3 python3-aiosmtpd tidy curl
 chromium fonts-dejavu-core clang"

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

# build DIR [configure arguments…]: bootstraps if needed, configures DIR
# from the source tree and builds it.
build() {
    dir=$1
    shift
    [ -x configure ] || autoreconf -fi
    mkdir -p "$dir"
    (cd "$dir" && { [ -f Makefile ] || ../configure --quiet "$@"; } && make -j"$(nproc)" >/dev/null)
}
