//! SFTP against OpenSSH's sshd on loopback, started by `scripts/test` (see
//! `scripts/servers.sh`): the conformance kit in both worlds, object_store's integration suite
//! through `AsObjectStore`, the host-key policy, logins, confinement against symlinks, secrets,
//! and faults against an sshd of the tests' own that they kill and restart.
//!
//! With the server down these tests fail, saying how to start it: every one of them runs.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::{env, free_port, reachable_at, stalled_upload, unique, Server};
use futures_util::{StreamExt, TryStreamExt};
use store::{AsyncStore, ErrorKind, ListOptions, SftpBackend, SftpBuilder, Store, WriteOptions};

/// The test server's settings, for the base folder `folder` below the test folder.
fn builder_at(port: u16, folder: &str) -> SftpBuilder {
    let host = env("STORE_TEST_SFTP_HOST");
    reachable_at(&format!("{host}:{port}"));
    SftpBackend::builder()
        .host(host)
        .port(port)
        .user(env("STORE_TEST_SFTP_USER"))
        .private_key_file(env("STORE_TEST_SFTP_KEY"))
        .known_hosts(env("STORE_TEST_SFTP_KNOWN_HOSTS"))
        .base_path(on_disk(folder).to_string_lossy().into_owned())
        .timeout(Duration::from_secs(5))
}

fn port() -> u16 {
    env("STORE_TEST_SFTP_PORT").parse().expect("a port")
}

fn builder(folder: &str) -> SftpBuilder {
    builder_at(port(), folder)
}

/// Where the base folder `folder` lies on this machine's disk (the server is local).
fn on_disk(folder: &str) -> PathBuf {
    PathBuf::from(env("STORE_TEST_SFTP_BASE")).join(folder)
}

/// A fresh, existing base folder (the SFTP "container").
fn folder() -> String {
    let folder = unique();
    std::fs::create_dir_all(on_disk(&folder)).expect("the base folder");
    folder
}

fn sftp() -> SftpBackend {
    builder(&folder()).build().expect("an SFTP backend")
}

kit_in_both_worlds!(
    sftp_kit,
    sftp(),
    [hier] + blocking[async_to_sync],
    declared = common::declared::SFTP
);

// Atomic writes: both racing uploads complete, and the later promote wins.
object_store_suite!(sftp_suite => || common::Objects::new(sftp()), last_writer_wins: true, etags: false, attributes: false);

// ---- host keys ----

/// A known_hosts file in a temp folder holding `line`.
fn known_hosts_with(line: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("known_hosts");
    std::fs::write(&path, format!("{line}\n")).unwrap();
    (dir, path)
}

/// A freshly generated ed25519 public key line, not the server's.
fn other_key() -> String {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen");
    assert!(status.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    public
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

async fn ping(builder: SftpBuilder) -> store::Result<()> {
    AsyncStore::new(builder.build()?).ping().await
}

fn assert_refused(err: store::Error, why: &str) {
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err}");
    let text = err.to_string();
    assert!(text.contains("SHA256:"), "names the fingerprint: {text}");
    assert!(text.contains(why), "says why ({why}): {text}");
}

#[tokio::test]
async fn an_unknown_host_key_is_refused_with_its_fingerprint() {
    let folder = folder();
    let (_dir, path) = known_hosts_with("# nothing known");
    let err = ping(builder(&folder).known_hosts(&path)).await.unwrap_err();
    // The message leads to the fix: the file read, and every option that fixes it.
    let text = err.to_string();
    for fix in [
        "`known_hosts`",
        "ssh-keyscan",
        "`host_key`",
        "`insecure_accept_any_host_key`",
    ] {
        assert!(text.contains(fix), "names {fix}: {text}");
    }
    assert!(
        !text.contains(&*path.to_string_lossy()),
        "no absolute path: {text}"
    );
    assert_refused(err, "not in the known_hosts file");

    // Another host's entry does not vouch for this one.
    let (_dir, path) = known_hosts_with(&format!("[10.9.9.9]:{} {}", port(), other_key()));
    let err = ping(builder(&folder).known_hosts(&path)).await.unwrap_err();
    assert_refused(err, "not in the known_hosts file");

    // A missing file knows nothing.
    let err = ping(builder(&folder).known_hosts("/nonexistent/known_hosts"))
        .await
        .unwrap_err();
    assert_refused(err, "not in the known_hosts file");
}

#[tokio::test]
async fn a_changed_host_key_is_refused_naming_the_line() {
    let folder = folder();
    let line = format!("[127.0.0.1]:{} {}", port(), other_key());
    let (_dir, path) = known_hosts_with(&line);
    let err = ping(builder(&folder).known_hosts(&path)).await.unwrap_err();
    assert_refused(err, "line 1");
}

#[tokio::test]
async fn a_pinned_key_is_the_only_key_accepted() {
    let folder = folder();
    ping(builder(&folder).host_key(env("STORE_TEST_SFTP_HOST_KEY")))
        .await
        .expect("the server's own key, pinned");
    let err = ping(builder(&folder).host_key(other_key()))
        .await
        .unwrap_err();
    assert_refused(err, "not the pinned key");
}

#[tokio::test]
async fn the_insecure_option_accepts_any_key_and_says_so() {
    let folder = folder();
    let (_dir, path) = known_hosts_with("# nothing known");
    // Given by name only: alone it connects, beside a known_hosts file it contradicts it.
    let builder_without_known_hosts = SftpBackend::builder()
        .host(env("STORE_TEST_SFTP_HOST"))
        .port(port())
        .user(env("STORE_TEST_SFTP_USER"))
        .private_key_file(env("STORE_TEST_SFTP_KEY"))
        .base_path(on_disk(&folder).to_string_lossy().into_owned());
    let debug = format!(
        "{:?}",
        builder_without_known_hosts
            .clone()
            .insecure_accept_any_host_key()
            .build()
            .unwrap()
    );
    assert!(debug.contains("insecure"), "{debug}");
    ping(builder_without_known_hosts.insecure_accept_any_host_key())
        .await
        .expect("any key accepted");
    let err = builder(&folder)
        .known_hosts(&path)
        .insecure_accept_any_host_key()
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

// ---- logins ----

#[tokio::test]
async fn an_rsa_key_and_a_password_log_in() {
    let folder = folder();
    let rsa = builder(&folder).private_key_file(env("STORE_TEST_SFTP_RSA_KEY"));
    let store = AsyncStore::new(rsa.build().unwrap());
    store
        .write("rsa.txt", "by rsa", &WriteOptions::new())
        .await
        .unwrap();
    assert_eq!(store.read_text("rsa.txt").await.unwrap(), "by rsa");

    let password = SftpBackend::builder()
        .host(env("STORE_TEST_SFTP_HOST"))
        .port(port())
        .user(env("STORE_TEST_SFTP_PASSWORD_USER"))
        .password(env("STORE_TEST_SFTP_PASSWORD"))
        .known_hosts(env("STORE_TEST_SFTP_KNOWN_HOSTS"))
        .base_path(env("STORE_TEST_SFTP_PASSWORD_BASE"));
    let store = AsyncStore::new(password.build().unwrap());
    store
        .write(
            "pw.txt",
            "by password",
            &WriteOptions::new().overwrite(true),
        )
        .await
        .unwrap();
    assert_eq!(store.read_text("pw.txt").await.unwrap(), "by password");
}

#[tokio::test]
async fn a_wrong_login_is_permission_denied_and_shows_no_secret() {
    let folder = folder();
    let wrong_password = "wrong-password-that-must-not-leak";
    let by_password = SftpBackend::builder()
        .host(env("STORE_TEST_SFTP_HOST"))
        .port(port())
        .user(env("STORE_TEST_SFTP_PASSWORD_USER"))
        .password(wrong_password)
        .known_hosts(env("STORE_TEST_SFTP_KNOWN_HOSTS"))
        .base_path(env("STORE_TEST_SFTP_PASSWORD_BASE"));
    // A key the server does not know.
    let dir = tempfile::tempdir().unwrap();
    let stranger = dir.path().join("stranger");
    assert!(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&stranger)
        .status()
        .unwrap()
        .success());
    let stranger_text = std::fs::read_to_string(&stranger).unwrap();
    let by_key = builder(&folder).private_key_file(&stranger);
    for (what, builder) in [("password", by_password), ("key", by_key)] {
        let backend = builder.build().unwrap();
        let debug = format!("{backend:?}");
        let store = AsyncStore::new(backend);
        let err = store.read_bytes("a.txt").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{what}: {err}");
        let ping = store.ping().await.unwrap_err();
        assert_eq!(ping.kind(), ErrorKind::PermissionDenied, "{what}: {ping}");
        for text in [debug, format!("{err} {err:?} {ping:?} {store:?}")] {
            assert!(!text.contains(wrong_password), "{what}: {text}");
            assert!(!text.contains(stranger_text.trim()), "{what}: {text}");
            assert!(!text.contains("BEGIN OPENSSH"), "{what}: {text}");
        }
    }
}

// ---- confinement ----

/// Links on the server's disk that lead out of the base folder are refused for every kind of
/// call and left out of listings; a link that stays inside is followed.
#[tokio::test]
async fn symlinks_out_of_the_base_folder_are_refused() {
    let folder = folder();
    let base = on_disk(&folder);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(outside.path(), base.join("out")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), base.join("out.txt")).unwrap();
    std::fs::create_dir(base.join("in")).unwrap();
    std::fs::write(base.join("in/ok.txt"), "inside").unwrap();
    std::os::unix::fs::symlink(base.join("in"), base.join("alias")).unwrap();

    let store = AsyncStore::new(builder(&folder).build().unwrap());
    let escapes = |what: &str, err: store::Error| {
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{what}: {err}");
        assert!(err.to_string().contains("escapes root"), "{what}: {err}");
        assert!(
            !err.to_string().contains(&*outside.path().to_string_lossy()),
            "{what}: no absolute path: {err}"
        );
    };
    escapes(
        "read through a folder link",
        store.read_bytes("out/secret.txt").await.unwrap_err(),
    );
    escapes(
        "read of a file link",
        store.read_bytes("out.txt").await.unwrap_err(),
    );
    escapes("info", store.get_file_info("out.txt").await.unwrap_err());
    escapes("exists", store.exists("out/secret.txt").await.unwrap_err());
    escapes(
        "write through a folder link",
        store
            .write("out/new.txt", "x", &WriteOptions::new())
            .await
            .unwrap_err(),
    );
    escapes(
        "overwrite of a file link",
        store
            .write("out.txt", "x", &WriteOptions::new().overwrite(true))
            .await
            .unwrap_err(),
    );
    escapes(
        "atomic write through a folder link",
        store
            .write_atomic("out/new.txt", "x", &WriteOptions::new())
            .await
            .unwrap_err(),
    );
    escapes(
        "parents made through a folder link",
        store
            .write("out/a/b.txt", "x", &WriteOptions::new())
            .await
            .unwrap_err(),
    );
    escapes(
        "copy from a link",
        store.copy("out.txt", "copy.txt", false).await.unwrap_err(),
    );
    escapes(
        "rename into a link",
        store
            .rename("in/ok.txt", "out/ok.txt", false)
            .await
            .unwrap_err(),
    );
    match store.list_files("out", &ListOptions::new()).await {
        Err(e) => escapes("list below a link", e),
        Ok(_) => panic!("listing below a link out of the base folder"),
    }
    // Nothing was written outside, and the file there is untouched.
    let names: Vec<_> = std::fs::read_dir(outside.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("secret.txt")]);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("secret.txt")).unwrap(),
        "outside"
    );

    // Inside links are followed; outside ones are left out of listings.
    assert_eq!(store.read_text("alias/ok.txt").await.unwrap(), "inside");
    let listed: Vec<_> = store
        .list_files("", &ListOptions::new().recursive(true))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let mut keys: Vec<_> = listed.iter().map(|f| f.path.as_str().to_owned()).collect();
    keys.sort();
    assert_eq!(keys, ["alias/ok.txt", "in/ok.txt"]);
    // Deleting the link removes the link, not what it points at.
    store.delete("out.txt", false).await.unwrap();
    assert!(outside.path().join("secret.txt").exists());
}

// ---- faults ----

/// An sshd of this test's own on `port`, with the test server's host key and logins.
fn own_sshd(port: u16, dir: &std::path::Path) -> Server {
    let config = dir.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "ListenAddress 127.0.0.1\nPort {port}\nHostKey {}\nPidFile none\n\
             AuthorizedKeysFile {}\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n\
             Subsystem sftp internal-sftp\n",
            env("STORE_TEST_SFTP_HOST_KEY_FILE"),
            env("STORE_TEST_SFTP_AUTHORIZED_KEYS"),
        ),
    )
    .unwrap();
    let mut command = Command::new(env("STORE_TEST_SSHD"));
    command.arg("-D").arg("-e").arg("-f").arg(&config);
    Server::spawn("sshd", command, port)
}

/// sshd killed in the middle of a streamed download and of a streamed atomic upload: both
/// calls are BackendUnavailable and retryable, the upload leaves no target (and no visible
/// temp), and the same backend instance works again once sshd is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_sshd_mid_transfer_is_backend_unavailable() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let mut server = own_sshd(port, dir.path());
    let folder = folder();
    let backend = builder_at(port, &folder)
        .host_key(env("STORE_TEST_SFTP_HOST_KEY"))
        .build()
        .unwrap();
    let store = AsyncStore::new(backend);
    let big = bytes::Bytes::from(vec![7u8; 12 * 1024 * 1024]);
    store
        .write("whole.bin", big.clone(), &WriteOptions::new())
        .await
        .expect("a write");

    // Mid-download: the first chunk arrives, then sshd goes.
    let mut reader = store.read("whole.bin").await.expect("read");
    let first = reader.next().await.expect("a chunk").expect("its bytes");
    assert!(!first.is_empty());
    server.kill();
    let mut failure = None;
    while let Some(chunk) = reader.next().await {
        if let Err(e) = chunk {
            failure = Some(e);
            break;
        }
    }
    let err = failure.expect("the download fails once sshd is gone");
    assert_eq!(err.kind(), ErrorKind::BackendUnavailable, "download: {err}");
    assert!(err.is_retryable(), "download: retryable");
    drop(reader);

    // The next call, with sshd still down, cannot connect.
    let err = store.read_bytes("whole.bin").await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BackendUnavailable,
        "while down: {err}"
    );
    assert!(err.is_retryable());

    // Mid-upload: a stream that stalls until sshd is gone.
    server = own_sshd(port, dir.path());
    let (upload, tx) = stalled_upload(&store, "partial.bin").await;
    server.kill();
    let _ = tx.send(Ok(bytes::Bytes::from(vec![1u8; 1024]))).await;
    drop(tx);
    let err = upload.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BackendUnavailable, "upload: {err}");
    assert!(err.is_retryable(), "upload: retryable");
    assert!(
        !on_disk(&folder).join("partial.bin").exists(),
        "no target on disk"
    );

    // Back: the same instance works, and the interrupted upload shows nothing.
    let _server = own_sshd(port, dir.path());
    assert!(!store
        .exists("partial.bin")
        .await
        .expect("exists after restart"));
    assert_eq!(names(&store, "").await, ["whole.bin"], "no temp listed");
    store
        .write("again.txt", "back", &WriteOptions::new())
        .await
        .expect("a write after restart");
    assert_eq!(store.read_text("again.txt").await.unwrap(), "back");
    assert_eq!(store.read_bytes("whole.bin").await.unwrap(), big);
}

/// The names of the files `store` lists in `folder`.
async fn names(store: &AsyncStore, folder: &str) -> Vec<String> {
    let listed: Vec<_> = store
        .list_files(folder, &ListOptions::new())
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    listed.into_iter().map(|f| f.name).collect()
}

/// A retry patient enough to wait for an sshd started again.
fn patient_retry() -> store::layers::Retry {
    store::layers::Retry::new()
        .attempts(100)
        .backoff(Duration::from_millis(20), Duration::from_millis(200))
        .budget(Duration::from_secs(30))
}

/// A backend on a test's own sshd at `port`.
fn own_backend(port: u16, folder: &str) -> SftpBackend {
    builder_at(port, folder)
        .host_key(env("STORE_TEST_SFTP_HOST_KEY"))
        .build()
        .unwrap()
}

/// Kills `server` and starts it again on `port`, in `dir`, 800 ms later on a thread of its own.
fn restart_sshd(
    server: &mut Server,
    port: u16,
    dir: &std::path::Path,
) -> std::thread::JoinHandle<Server> {
    server.kill();
    let dir = dir.to_owned();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(800));
        own_sshd(port, &dir)
    })
}

/// A retrying layer rides out an sshd that goes away and comes back: a read is repeated until
/// the server answers again, and so is a write whose attempts could not connect (nothing was
/// applied), on a backend instance that had no connection yet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_rides_out_a_restarted_sshd() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let mut server = own_sshd(port, dir.path());
    let folder = folder();
    let patient = patient_retry;
    let backend = || own_backend(port, &folder);
    let store = AsyncStore::new(backend()).layer(patient());
    store
        .write("kept.txt", "before", &WriteOptions::new())
        .await
        .expect("a write");

    let restart = |server: &mut Server| restart_sshd(server, port, dir.path());
    let back = restart(&mut server);
    let text = store.read_text("kept.txt").await;
    server = back.join().unwrap();
    assert_eq!(text.expect("read repeated until sshd is back"), "before");

    let fresh = AsyncStore::new(backend()).layer(patient());
    let back = restart(&mut server);
    let written = fresh
        .write("after.txt", "after", &WriteOptions::new())
        .await;
    let _server = back.join().unwrap();
    written.expect("a write whose connects failed is repeated");
    assert_eq!(fresh.read_text("after.txt").await.unwrap(), "after");
}

/// sshd killed in the middle of a download and started again: a `Retry` resumes the stream
/// where it broke (a ranged read of the rest, after checking the file is unchanged), and the
/// file arrives whole, in both worlds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_resumes_a_download_through_a_restarted_sshd() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let mut server = own_sshd(port, dir.path());
    let folder = folder();
    let patient = patient_retry;
    let backend = || own_backend(port, &folder);
    let data: Vec<u8> = (0..24u32 << 20).map(|i| (i ^ (i >> 9)) as u8).collect();
    std::fs::write(on_disk(&folder).join("big.bin"), &data).unwrap();
    let restart = |server: &mut Server| restart_sshd(server, port, dir.path());

    // Async: the first chunk arrives, then sshd goes and comes back.
    let opens = common::Opens::default();
    let store = AsyncStore::new(backend())
        .layer(opens.clone())
        .layer(patient());
    let mut reader = store.read("big.bin").await.expect("read");
    let mut got = reader
        .next()
        .await
        .expect("a chunk")
        .expect("its bytes")
        .to_vec();
    let back = restart(&mut server);
    while let Some(chunk) = reader.next().await {
        got.extend_from_slice(&chunk.expect("the download resumed"));
    }
    server = back.join().unwrap();
    assert!(
        got == data,
        "async: {} bytes arrived, not the file",
        got.len()
    );
    assert!(opens.count() >= 2, "async: the download never broke");

    // Blocking, on a thread of its own: the same.
    let opens = common::Opens::default();
    let store = Store::new(backend()).layer(opens.clone()).layer(patient());
    let dir = dir.path().to_owned();
    let reading = std::thread::spawn(move || {
        let mut reader = store.read("big.bin").expect("read");
        let mut got = vec![0u8; 64 * 1024];
        std::io::Read::read_exact(&mut reader, &mut got).expect("the first bytes");
        let back = restart_sshd(&mut server, port, &dir);
        std::io::Read::read_to_end(&mut reader, &mut got).expect("the download resumed");
        (got, back.join().unwrap())
    });
    let (got, _server) = tokio::task::spawn_blocking(move || reading.join().unwrap())
        .await
        .unwrap();
    assert!(
        got == data,
        "blocking: {} bytes arrived, not the file",
        got.len()
    );
    assert!(opens.count() >= 2, "blocking: the download never broke");
}

// ---- secrets, both worlds ----

#[test]
fn the_blocking_store_works_and_shows_no_secret() {
    let key_text = std::fs::read_to_string(env("STORE_TEST_SFTP_KEY")).unwrap();
    let secret_line = key_text.lines().nth(1).unwrap().to_owned();
    let folder = folder();
    let builder = builder(&folder).private_key_file(env("STORE_TEST_SFTP_KEY"));
    let builder_debug = format!("{builder:?}");
    let store = Store::new(builder.build().unwrap());
    store
        .write("a/b.txt", "hello", &WriteOptions::new())
        .unwrap();
    assert!(store.is_folder("a").unwrap());
    assert_eq!(store.read_text("a/b.txt").unwrap(), "hello");
    assert_eq!(
        std::fs::read_to_string(on_disk(&folder).join("a/b.txt")).unwrap(),
        "hello"
    );
    let err = store.read_bytes("missing.txt").unwrap_err();
    for text in [builder_debug, format!("{store:?} {err} {err:?}")] {
        assert!(!text.contains(&secret_line), "{text}");
    }
    // Errors name keys, never the server's absolute paths.
    assert!(
        !err.to_string().contains(&env("STORE_TEST_SFTP_BASE")),
        "{err}"
    );
}

/// Create-only atomic writes promote with a hard link, which fails on an existing target: of
/// eight racing creators of one key exactly one wins, the others are AlreadyExists, the file
/// holds the winner's bytes whole, and no temp is left in the folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_atomic_creators_one_wins() {
    let folder = folder();
    let store = AsyncStore::new(builder(&folder).build().unwrap());
    let mut tasks = Vec::new();
    for i in 0..8u8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let body = vec![i; 300 * 1024];
            store
                .write_atomic("race/one.bin", body, &WriteOptions::new())
                .await
                .map(|_| i)
        }));
    }
    let mut winners = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(i) => winners.push(i),
            Err(e) => assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{e}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one creator wins: {winners:?}");
    let got = store.read_bytes("race/one.bin").await.unwrap();
    assert_eq!(
        got,
        vec![winners[0]; 300 * 1024],
        "the winner's bytes, whole"
    );
    let names: Vec<_> = std::fs::read_dir(on_disk(&folder).join("race"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["one.bin"], "no temp left behind");
}

/// A base folder that does not exist is an absent container (C-2.7), as a missing bucket is:
/// probes are `false`, and a write (top level or deeper) and `ping` are `NotFound` naming it
/// and the setting that makes it; nothing is created. With `create_base_path` writes make it.
#[tokio::test]
async fn a_missing_base_folder_is_not_found_unless_asked_for() {
    let folder = unique();
    let missing = on_disk(&folder);
    let store = AsyncStore::new(builder(&folder).build().unwrap());
    assert!(!store.exists("a.txt").await.unwrap());
    let write = store.write("a.txt", "x", &WriteOptions::new()).await;
    let deep = store.write("a/b.txt", "x", &WriteOptions::new()).await;
    let ping = store.ping().await;
    for (what, result) in [
        ("write", write.map(drop)),
        ("deep write", deep.map(drop)),
        ("ping", ping),
    ] {
        let err = result.expect_err(what);
        assert_eq!(err.kind(), ErrorKind::NotFound, "{what}: {err}");
        let text = err.to_string();
        assert!(
            text.contains(&folder) && text.contains("create_base_path"),
            "{what}: {text}"
        );
    }
    assert!(!missing.exists(), "a refused call made the base folder");

    let made = AsyncStore::new(builder(&folder).create_base_path(true).build().unwrap());
    made.write("a/b.txt", "x", &WriteOptions::new())
        .await
        .unwrap();
    assert!(missing.join("a/b.txt").is_file());
    // Through a URL option as well.
    let url_folder = unique();
    let url = format!(
        "sftp://{}@{}:{}{}",
        env("STORE_TEST_SFTP_USER"),
        env("STORE_TEST_SFTP_HOST"),
        port(),
        on_disk(&url_folder).display()
    );
    let options = [
        ("private_key_file", env("STORE_TEST_SFTP_KEY")),
        ("known_hosts", env("STORE_TEST_SFTP_KNOWN_HOSTS")),
        ("create_base_path", "true".to_owned()),
    ];
    let from_url = AsyncStore::from_url(&url, options).unwrap();
    from_url
        .write("c.txt", "x", &WriteOptions::new())
        .await
        .unwrap();
    assert!(on_disk(&url_folder).join("c.txt").is_file());
}

/// Temps a killed writer left behind (`.~tmp.*`, hidden from listings) are removed by the
/// explicit clean-up once older than its age, at any depth, and never a fresh one, which may
/// belong to a write still running; `delete_folder` removes them with their folder.
#[tokio::test]
async fn stale_temps_are_removed_by_age() {
    let folder = folder();
    let backend = builder(&folder).build().unwrap();
    let store = AsyncStore::new(backend.clone());
    store
        .write("sub/kept.txt", "kept", &WriteOptions::new())
        .await
        .unwrap();
    let disk = on_disk(&folder);
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    let leftover = |path: PathBuf, modified: std::time::SystemTime| {
        let file = std::fs::File::create(&path).unwrap();
        file.set_modified(modified).unwrap();
        path
    };
    let old_top = leftover(disk.join(".~tmp.0123456789abcdef"), hour_ago);
    let old_deep = leftover(disk.join("sub/.~tmp.fedcba9876543210"), hour_ago);
    let fresh = leftover(
        disk.join("sub/.~tmp.00000000000000aa"),
        std::time::SystemTime::now(),
    );
    let listed: Vec<_> = store
        .list_files("", &ListOptions::new().recursive(true))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "listings hide temps");

    let removed = backend
        .remove_stale_temps(&store::StorePath::root(), Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(removed, 2);
    assert!(
        !old_top.exists() && !old_deep.exists(),
        "the stale temps are gone"
    );
    assert!(fresh.exists(), "a fresh temp is kept");
    assert!(disk.join("sub/kept.txt").exists(), "files are kept");

    store
        .delete_folder("sub", &store::DeleteFolderOptions::new().recursive(true))
        .await
        .unwrap();
    assert!(
        !disk.join("sub").exists(),
        "delete_folder removes temps with the folder"
    );
}

/// A name that is not UTF-8 is left out of listings (never shown mangled), and a recursive
/// `delete_folder` over it fails with a typed error naming the folder that holds it, before
/// removing anything from that folder.
#[tokio::test]
async fn names_that_are_not_utf8_are_left_out_and_reported() {
    use std::os::unix::ffi::OsStrExt;
    let folder = folder();
    let store = AsyncStore::new(builder(&folder).build().unwrap());
    store
        .write("mixed/good.txt", "good", &WriteOptions::new())
        .await
        .unwrap();
    let disk = on_disk(&folder).join("mixed");
    let bad = disk.join(std::ffi::OsStr::from_bytes(b"bad\xff.txt"));
    std::fs::write(&bad, "bad").unwrap();
    assert_eq!(
        names(&store, "mixed").await,
        ["good.txt"],
        "the undecodable name is left out"
    );

    let err = store
        .delete_folder("mixed", &store::DeleteFolderOptions::new().recursive(true))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DirectoryNotEmpty, "{err}");
    assert!(err.to_string().contains("not UTF-8"), "{err}");
    assert_eq!(err.path(), Some("mixed"));
    assert!(
        bad.exists() && disk.join("good.txt").exists(),
        "nothing half-deleted"
    );
}

/// A client killed with SIGKILL in the middle of atomic writes to SFTP leaves its `.~tmp.*`
/// file, which SFTP cannot make invisible: listings hide it, every target there is whole,
/// `remove_stale_temps` keeps it while it is fresh and removes it once it is stale, and the
/// folder takes new writes.
#[tokio::test]
async fn a_client_killed_mid_write_leaves_only_a_hidden_temp_that_cleanup_removes() {
    for (round, after) in [0u64, 60, 140].into_iter().enumerate() {
        let folder = folder();
        let out = on_disk(&folder).join("out");
        let mut child = Command::new(env!("CARGO_BIN_EXE_sftp_slow_writer"))
            .arg(on_disk(&folder))
            .spawn()
            .expect("the slow writer runs");
        // Kill once a second file's temp is on the server's disk, `after` ms into it.
        let temps = |dir: &std::path::Path| -> Vec<PathBuf> {
            std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .map(|e| e.unwrap().path())
                        .filter(|p| {
                            p.file_name()
                                .unwrap()
                                .to_string_lossy()
                                .starts_with(".~tmp.")
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !out.join("f-0").exists() || temps(&out).is_empty() {
            assert!(
                std::time::Instant::now() < deadline,
                "round {round}: the child wrote nothing in 60 s"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(after)).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let left = temps(&out);
        assert_eq!(
            left.len(),
            1,
            "round {round}: the killed write's temp: {left:?}"
        );
        let store = AsyncStore::new(builder(&folder).build().unwrap());
        let listed = names(&store, "out").await;
        assert!(!listed.is_empty(), "round {round}: at least f-0 is there");
        for name in &listed {
            assert!(name.starts_with("f-"), "round {round}: listed {name}");
            let i: u32 = name["f-".len()..].parse().unwrap();
            let bytes = store.read_bytes(format!("out/{name}")).await.unwrap();
            assert_eq!(bytes.len(), 4 << 20, "round {round}: {name} is torn");
            assert!(
                bytes.iter().all(|b| *b == (i % 251) as u8),
                "round {round}: {name} is mixed"
            );
        }

        let backend = builder(&folder).build().unwrap();
        let hour = Duration::from_secs(3600);
        let root = store::StorePath::root();
        assert_eq!(backend.remove_stale_temps(&root, hour).await.unwrap(), 0);
        assert!(left[0].exists(), "round {round}: a fresh temp is kept");
        // Two hours later, as far as the temp's clock goes.
        let two_hours_ago = std::time::SystemTime::now() - 2 * hour;
        std::fs::File::options()
            .write(true)
            .open(&left[0])
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
        assert_eq!(backend.remove_stale_temps(&root, hour).await.unwrap(), 1);
        assert!(
            temps(&out).is_empty(),
            "round {round}: the stale temp is gone"
        );
        store
            .write("out/after.txt", "after", &WriteOptions::new())
            .await
            .unwrap();
        assert!(names(&store, "out").await.contains(&"after.txt".to_owned()));
    }
}
