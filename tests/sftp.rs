//! SFTP against OpenSSH's sshd on loopback, started by `scripts/test` (see
//! `scripts/servers.sh`): the conformance kit in both worlds, object_store's integration suite
//! through `AsObjectStore`, the host-key policy, logins, confinement against symlinks, secrets,
//! and faults against an sshd of the tests' own that they kill and restart.
//!
//! With the server down these tests fail, saying how to start it: every one of them runs.

use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use store::{AsyncStore, SftpBackend, SftpBuilder, Store};

const HOW: &str = "start the test servers first: run scripts/test, or \
                   `source scripts/servers.sh && servers_install && servers_start` \
                   (and `servers_stop` after)";

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: {HOW}"))
}

/// A folder of its own for every fixture, so tests that run at once never meet.
fn unique() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "t{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The test server's settings, for a base folder below the test folder.
fn builder_at(port: &str, folder: &str) -> SftpBuilder {
    let host = env("STORE_TEST_SFTP_HOST");
    if TcpStream::connect_timeout(
        &format!("{host}:{port}").parse().expect("an address"),
        Duration::from_secs(2),
    )
    .is_err()
    {
        panic!("no SFTP server answers at {host}:{port}: {HOW}");
    }
    SftpBackend::builder()
        .host(host)
        .port(port.parse().expect("a port"))
        .user(env("STORE_TEST_SFTP_USER"))
        .private_key_file(env("STORE_TEST_SFTP_KEY"))
        .known_hosts(env("STORE_TEST_SFTP_KNOWN_HOSTS"))
        .base_path(format!("{}/{folder}", env("STORE_TEST_SFTP_BASE")))
        .timeout(Duration::from_secs(5))
}

fn builder(folder: &str) -> SftpBuilder {
    builder_at(&env("STORE_TEST_SFTP_PORT"), folder)
}

/// The base folder of `folder` on this machine's disk (the server is local).
fn on_disk(folder: &str) -> PathBuf {
    PathBuf::from(env("STORE_TEST_SFTP_BASE")).join(folder)
}

/// A backend on a fresh, existing base folder (the SFTP "container").
fn sftp() -> SftpBackend {
    let folder = unique();
    std::fs::create_dir_all(on_disk(&folder)).expect("the base folder");
    builder(&folder).build().expect("an SFTP backend")
}

store::conformance_tests!(
    sftp_async_store,
    AsyncStore::new(sftp()),
    [all, hier, async_world]
);
store::conformance_tests!(
    sftp_store,
    Store::new(sftp()),
    [all, hier, sync_world, reverse]
);
