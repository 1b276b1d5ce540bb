#!/usr/bin/env bash
# The sync example against rclone on the same servers: a tree of 2 000 files (about 400 MiB,
# six of 50 MiB) from a local folder to S3 (moto) and to SFTP (sshd), first sync and no-op
# rerun, with the same transfers and checkers; wall time and peak RSS from /usr/bin/time.
# Then a dry run of our sync against S3, counting the requests that would change anything in
# moto's request log (PUT, POST, DELETE).
#
#   bench/sync_vs_rclone.sh            # from the repository root; installs rclone (Debian) if missing
#
# Not part of the test command: it moves about 3 GiB through loopback and takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh
servers_install
if ! command -v rclone >/dev/null; then
  echo "== installing rclone (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone >/dev/null
fi
trap servers_stop EXIT
servers_start >/dev/null

TRANSFERS=${TRANSFERS:-4}
CHECKERS=${CHECKERS:-8}
cargo build -j2 -q --release -p store-examples --features s3,sftp --example sync
SYNC=$PWD/target/release/examples/sync
WORK=$(mktemp -d)
TREE=$WORK/tree

echo "== making the tree"
"$STORE_TEST_TOOLS/venv/bin/python" - "$TREE" <<'PY'
import os, random, sys
root = sys.argv[1]
rng = random.Random(42)
total = 0
for i in range(2000):
    folder = os.path.join(root, f"d{i % 20}", f"s{i % 7}")
    os.makedirs(folder, exist_ok=True)
    size = 50 << 20 if i % 333 == 0 else rng.randint(1 << 10, 100 << 10)
    with open(os.path.join(folder, f"f{i}.bin"), "wb") as f:
        f.write(rng.randbytes(size))
    total += size
print(f"2000 files, {total / (1 << 20):.0f} MiB")
PY

# rclone's remotes, from the environment (no config file). A custom CA bundle in the
# environment (AWS_CA_BUNDLE) makes rclone's S3 client refuse its own transport; loopback
# HTTP needs none.
RCLONE=(env -u AWS_CA_BUNDLE rclone)
export RCLONE_CONFIG_MOTO_TYPE=s3 RCLONE_CONFIG_MOTO_PROVIDER=Other
export RCLONE_CONFIG_MOTO_ENDPOINT=$STORE_TEST_S3_ENDPOINT RCLONE_CONFIG_MOTO_REGION=us-east-1
export RCLONE_CONFIG_MOTO_ACCESS_KEY_ID=test RCLONE_CONFIG_MOTO_SECRET_ACCESS_KEY=test
export RCLONE_CONFIG_SSH_TYPE=sftp RCLONE_CONFIG_SSH_HOST=$STORE_TEST_SFTP_HOST
export RCLONE_CONFIG_SSH_PORT=$STORE_TEST_SFTP_PORT RCLONE_CONFIG_SSH_USER=$STORE_TEST_SFTP_USER
export RCLONE_CONFIG_SSH_KEY_FILE=$STORE_TEST_SFTP_KEY
export RCLONE_CONFIG_SSH_KNOWN_HOSTS_FILE=$STORE_TEST_SFTP_KNOWN_HOSTS

S3_OPTS=(--dst endpoint=$STORE_TEST_S3_ENDPOINT --dst allow_http=true --dst region=us-east-1
         --dst access_key_id=test --dst secret_access_key=test)
SFTP_OPTS=(--dst private_key_file=$STORE_TEST_SFTP_KEY --dst known_hosts=$STORE_TEST_SFTP_KNOWN_HOSTS
           --dst create_base_path=true)
SFTP_URL="sftp://$STORE_TEST_SFTP_USER@$STORE_TEST_SFTP_HOST:$STORE_TEST_SFTP_PORT$STORE_TEST_SFTP_BASE"

# timed NAME COMMAND...: one line of the table (wall seconds, peak RSS in MiB).
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>&1 || {
    echo "$name failed:"; tail -5 "$WORK/out"; exit 1; }
  read -r secs kib <"$WORK/time"
  printf '| %-32s | %8.2f s | %6.1f MiB |\n' "$name" "$secs" "$(echo "$kib / 1024" | bc -l)"
}

echo
echo "| run | wall | peak RSS |"
echo "|---|---|---|"
# pair DEST ROUND: rclone and ours, first sync then rerun, each without and with a check of
# every copy (rclone checks a hash after each copy by default, --ignore-checksum turns it
# off; ours checks with --verify, which reads each copy back).
pair() {
  local dest=$1 round=$2 theirs ours opts
  case $dest in
    S3) theirs="moto:$STORE_TEST_S3_BUCKET"; ours="s3://$STORE_TEST_S3_BUCKET"; opts=("${S3_OPTS[@]}") ;;
    SFTP) theirs="ssh:$STORE_TEST_SFTP_BASE"; ours="$SFTP_URL"; opts=("${SFTP_OPTS[@]}") ;;
  esac
  local common=(--transfers "$TRANSFERS" --checkers "$CHECKERS")
  for check in off on; do
    local rc_flag=() our_flag=() at="$round-$check"
    [ $check = off ] && rc_flag=(--ignore-checksum)
    [ $check = on ] && our_flag=(--verify)
    timed "$dest rclone, check $check, first"  "${RCLONE[@]}" sync "$TREE" "$theirs/rclone-$at" "${common[@]}" "${rc_flag[@]}"
    timed "$dest rclone, check $check, rerun"  "${RCLONE[@]}" sync "$TREE" "$theirs/rclone-$at" "${common[@]}" "${rc_flag[@]}"
    timed "$dest store, check $check, first"   "$SYNC" "$TREE" "$ours/store-$at" --delete "${common[@]}" "${our_flag[@]}" "${opts[@]}"
    timed "$dest store, check $check, rerun"   "$SYNC" "$TREE" "$ours/store-$at" --delete "${common[@]}" "${our_flag[@]}" "${opts[@]}"
  done
}
for round in 1 2; do
  pair S3 "$round"
  pair SFTP "$round"
done

echo
echo "== a dry run to a fresh S3 prefix: requests that would change anything"
before=$(grep -cE '"(PUT|POST|DELETE) ' "$STORE_TEST_STATE/moto.log" || true)
echo "mutating requests in moto's log before it (the syncs above): $before"
"$SYNC" "$TREE" "s3://$STORE_TEST_S3_BUCKET/dry" --delete --dry-run "${S3_OPTS[@]}" | tail -1
after=$(grep -cE '"(PUT|POST|DELETE) ' "$STORE_TEST_STATE/moto.log" || true)
echo "mutating requests during the dry run: $((after - before))"
rm -rf "$WORK"
