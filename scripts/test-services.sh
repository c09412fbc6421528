#!/usr/bin/env bash
# Starts the services the fleet tests use, idempotently (a running service is left as it is):
#   * sshd on 127.0.0.1:2222 with its own host key and an authorised root key, all in a private directory, so that
#     qemu+ssh://root@127.0.0.1:2222/system?keyfile=KEY&no_verify=1 reaches libvirtd through libvirt's real remote
#     transport (ssh + virt-ssh-helper);
#   * a second "host": the network namespace kvmtune-h2 joined by a veth pair (198.18.0.1 here, 198.18.0.2 there;
#     RFC 2544's benchmarking range, nothing else uses it), with its own sshd on 198.18.0.2:22 (same key). Unix
#     sockets are not per network namespace, so it reaches the same libvirtd;
#   * PostgreSQL 15 (Debian's) in a temporary cluster on 127.0.0.1:55432 and a Unix socket, with a role and a
#     database kvmtune_test.
# What the tests need is written to $KVMTUNE_TEST_SERVICES (default /run/kvmtune-test-services/services.env) as
# shell variables: KVMTUNE_TEST_SSH_KEY, KVMTUNE_TEST_SSH_HOSTS ("127.0.0.1:2222 198.18.0.2:22"),
# KVMTUNE_TEST_PG_URL (postgresql://…), KVMTUNE_TEST_PG_SOCKET.
# Usage: scripts/test-services.sh [start|stop|status]   (root; start is the default)
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "test-services.sh: run as root" >&2; exit 2; }
state=/run/kvmtune-test-services
env_file="${KVMTUNE_TEST_SERVICES:-$state/services.env}"
pg_dir=/run/kvmtune-test-services-pg
pg_bin=/usr/lib/postgresql/15/bin
pg_port=55432
ns=kvmtune-h2
ssh_port=2222
here_ip=198.18.0.1
ns_ip=198.18.0.2

pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

sshd_config() { # ADDRESS PORT NAME
    cat <<EOF
ListenAddress $1:$2
HostKey $state/ssh/host_ed25519
AuthorizedKeysFile $state/ssh/authorized_keys
PidFile $state/ssh/$3.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

start_ssh() {
    install -d -m 0700 "$state" "$state/ssh"
    [ -s "$state/ssh/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C kvmtune-test-host -f "$state/ssh/host_ed25519"
    [ -s "$state/ssh/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C kvmtune-test-client -f "$state/ssh/id_ed25519"
    install -m 0600 "$state/ssh/id_ed25519.pub" "$state/ssh/authorized_keys"
    install -d -m 0755 /run/sshd
    sshd_config 127.0.0.1 "$ssh_port" local >"$state/ssh/sshd_local.conf"
    sshd_config "$ns_ip" 22 h2 >"$state/ssh/sshd_h2.conf"
    if ! pid_alive "$state/ssh/local.pid"; then
        /usr/sbin/sshd -f "$state/ssh/sshd_local.conf"
    fi
    if ! ip netns list | grep -qx "$ns\( .*\)\?"; then
        ip netns add "$ns"
    fi
    if ! ip link show kvt-h2 >/dev/null 2>&1; then
        ip link add kvt-h2 type veth peer name kvt-h2-in
        ip link set kvt-h2-in netns "$ns"
        ip addr add "$here_ip/30" dev kvt-h2
        ip link set kvt-h2 up
        ip netns exec "$ns" ip addr add "$ns_ip/30" dev kvt-h2-in
        ip netns exec "$ns" ip link set kvt-h2-in up
        ip netns exec "$ns" ip link set lo up
    fi
    if ! pid_alive "$state/ssh/h2.pid"; then
        ip netns exec "$ns" /usr/sbin/sshd -f "$state/ssh/sshd_h2.conf"
    fi
}

start_pg() {
    if [ ! -s "$pg_dir/data/PG_VERSION" ]; then
        rm -rf "$pg_dir"
        install -d -m 0700 -o postgres -g postgres "$pg_dir" "$pg_dir/socket"
        head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$pg_dir/password"
        chown postgres:postgres "$pg_dir/password"
        chmod 0600 "$pg_dir/password"
        runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
            -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; exit 3; }
        cat >>"$pg_dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_dir/socket'
max_connections = 100
fsync = off
EOF
    fi
    if ! runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1; then
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 start >/dev/null
    fi
    local password
    password="$(cat "$pg_dir/password")"
    runuser -u postgres -- psql -h "$pg_dir/socket" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<EOF
SELECT 'CREATE ROLE kvmtune_test LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kvmtune_test') \gexec
ALTER ROLE kvmtune_test LOGIN PASSWORD '$password';
SELECT 'CREATE DATABASE kvmtune_test OWNER kvmtune_test' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'kvmtune_test') \gexec
EOF
}

write_env() {
    install -d -m 0700 "$(dirname "$env_file")"
    local password
    password="$(cat "$pg_dir/password")"
    cat >"$env_file.tmp" <<EOF
KVMTUNE_TEST_SSH_KEY=$state/ssh/id_ed25519
KVMTUNE_TEST_SSH_HOSTS="127.0.0.1:$ssh_port $ns_ip:22"
KVMTUNE_TEST_PG_URL=postgresql://kvmtune_test:$password@127.0.0.1:$pg_port/kvmtune_test
KVMTUNE_TEST_PG_SOCKET=$pg_dir/socket
EOF
    chmod 0600 "$env_file.tmp"
    mv "$env_file.tmp" "$env_file"
}

check() {
    local key="$state/ssh/id_ed25519" failed=0
    for target in "127.0.0.1 $ssh_port" "$ns_ip 22"; do
        set -- $target
        if ssh -i "$key" -p "$2" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
               -o LogLevel=ERROR -o ConnectTimeout=5 "root@$1" true; then
            echo "test-services.sh: sshd $1:$2 answers" >&2
        else
            echo "test-services.sh: sshd $1:$2 does not answer" >&2; failed=1
        fi
    done
    if PGPASSWORD="$(cat "$pg_dir/password" 2>/dev/null)" psql -h 127.0.0.1 -p "$pg_port" -U kvmtune_test -d kvmtune_test -tAc 'SELECT 1' >/dev/null 2>&1; then
        echo "test-services.sh: PostgreSQL 127.0.0.1:$pg_port answers" >&2
    else
        echo "test-services.sh: PostgreSQL 127.0.0.1:$pg_port does not answer" >&2; failed=1
    fi
    return $failed
}

stop() {
    for pid in "$state/ssh/local.pid" "$state/ssh/h2.pid"; do
        pid_alive "$pid" && kill "$(cat "$pid")"
    done
    ip link del kvt-h2 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    if [ -d "$pg_dir/data" ]; then
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_dir" "$state"
    echo "test-services.sh: stopped" >&2
}

case "${1:-start}" in
    start)
        for tool in /usr/sbin/sshd ssh ssh-keygen ip psql "$pg_bin/initdb" virt-ssh-helper; do
            command -v "$tool" >/dev/null || { echo "test-services.sh: $tool is missing (scripts/setup.sh installs it)" >&2; exit 3; }
        done
        start_ssh
        start_pg
        write_env
        check
        echo "test-services.sh: ready ($env_file)" >&2
        ;;
    stop) stop ;;
    status) check ;;
    *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
