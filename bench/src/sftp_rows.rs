//! SFTP: `store`'s `SftpBackend` against OpenSSH's own `sftp` client in batch mode and against
//! russh-sftp called directly (`SftpSession`), on the same sshd, in one run (`bench sftp`).
//!
//! The server is the test sshd of `scripts/servers.sh` (its `STORE_TEST_SFTP_*` variables).
//! Each cell is the median over rounds of one whole job (1 000 puts, a 256 MiB streamed
//! put, ...); the contenders take turns within each round. `store` and russh-sftp reuse one
//! connection made before timing; the `sftp` client connects anew for every job, so the median
//! time of an empty batch (connect, log in, quit) is subtracted from its cells, and reported.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use russh::client;
use russh::keys::{load_secret_key, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use russh_sftp::client::SftpSession;
use store::{AsyncContent, AsyncStore, Bytes, ListOptions, SftpBackend, WriteOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

use crate::config::server_var as var;
use crate::report::{count_label, duration_label, size_label, Row, Section};
use crate::timing::{median, run_jobs, time, Job};
use crate::BenchResult;

/// Sizes of the SFTP rows.
struct Sizes {
    rounds: usize,
    small_files: usize,
    small: usize,
    big: usize,
    list_files: usize,
}

/// Where the server is.
struct Server {
    host: String,
    port: u16,
    user: String,
    key: PathBuf,
    known_hosts: PathBuf,
    host_key: String,
    base: PathBuf,
}

impl Server {
    fn from_env() -> BenchResult<Server> {
        Ok(Server {
            host: var("STORE_TEST_SFTP_HOST")?,
            port: var("STORE_TEST_SFTP_PORT")?.parse()?,
            user: var("STORE_TEST_SFTP_USER")?,
            key: var("STORE_TEST_SFTP_KEY")?.into(),
            known_hosts: var("STORE_TEST_SFTP_KNOWN_HOSTS")?.into(),
            host_key: var("STORE_TEST_SFTP_HOST_KEY")?,
            base: var("STORE_TEST_SFTP_BASE")?.into(),
        })
    }

    /// Runs `script` with OpenSSH's `sftp -b`; its wall time.
    fn openssh(&self, script: &Path) -> Duration {
        let start = Instant::now();
        let status = Command::new("sftp")
            .arg("-q")
            .arg("-b")
            .arg(script)
            .arg("-i")
            .arg(&self.key)
            .arg("-P")
            .arg(self.port.to_string())
            .arg("-o")
            .arg(format!("UserKnownHostsFile={}", self.known_hosts.display()))
            .args(["-o", "BatchMode=yes"])
            .arg(format!("{}@{}", self.user, self.host))
            .stdout(Stdio::null())
            .status()
            .expect("OpenSSH's sftp client");
        assert!(status.success(), "sftp -b {}", script.display());
        start.elapsed()
    }
}

/// russh's handler for the direct contender: the pinned host key, as the backend checks it.
struct Pinned(russh::keys::PublicKey);

impl client::Handler for Pinned {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(
            matches!(key, PublicKeyOrCertificate::PublicKey { key, .. } if key.key_data() == self.0.key_data()),
        )
    }
}

/// A russh-sftp session, as its README shows it.
async fn russh_session(s: &Server) -> BenchResult<SftpSession> {
    let b64 = s.host_key.split_whitespace().nth(1).unwrap_or_default();
    let pinned = russh::keys::parse_public_key_base64(b64)?;
    let config = Arc::new(client::Config::default());
    let mut ssh = client::connect(config, (s.host.as_str(), s.port), Pinned(pinned)).await?;
    let key = Arc::new(load_secret_key(&s.key, None)?);
    let auth = ssh
        .authenticate_publickey(&s.user, PrivateKeyWithHashAlg::new(key, None))
        .await?;
    assert!(auth.success(), "russh login");
    let channel = ssh.channel_open_session().await?;
    channel.request_subsystem(true, "sftp").await?;
    let session = SftpSession::new(channel.into_stream()).await?;
    // The connection lives as long as the session needs it.
    std::mem::forget(ssh);
    Ok(session)
}

/// The three contenders of a row, each one whole job.
struct Jobs<'a> {
    ours: Box<dyn FnMut(&Runtime) + 'a>,
    openssh: Box<dyn FnMut() -> Duration + 'a>,
    russh: Box<dyn FnMut(&Runtime) + 'a>,
}

/// Medians in the column order ours, OpenSSH (less its connect time), russh-sftp.
fn measure(rt: &Runtime, rounds: usize, connect: f64, jobs: Jobs<'_>) -> Vec<f64> {
    let Jobs {
        mut ours,
        mut openssh,
        mut russh,
    } = jobs;
    let mut jobs: [Job<'_>; 3] = [
        Box::new(|| time(|| ours(rt))),
        Box::new(|| (openssh().as_nanos() as f64 - connect).max(0.0)),
        Box::new(|| time(|| russh(rt))),
    ];
    run_jobs(rounds, &mut jobs)
}

/// The SFTP section: `bench sftp [--quick]`.
pub fn section(quick: bool, scratch: &Path) -> BenchResult<String> {
    let sizes = if quick {
        Sizes {
            rounds: 3,
            small_files: 100,
            small: 4 << 10,
            big: 32 << 20,
            list_files: 1_000,
        }
    } else {
        Sizes {
            rounds: 7,
            small_files: 1_000,
            small: 4 << 10,
            big: 256 << 20,
            list_files: 10_000,
        }
    };
    let s = Server::from_env()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let folder = format!("bench-{}", std::process::id());
    let remote = s.base.join(&folder);
    std::fs::create_dir_all(remote.join("small"))?;
    std::fs::create_dir_all(remote.join("list"))?;
    let local = scratch.join("sftp");
    std::fs::create_dir_all(local.join("small"))?;

    // Local sources for the sftp client's puts, and the remote files every get reads.
    let small = crate::data::content(sizes.small, 5);
    let big = Bytes::from(crate::data::content(sizes.big, 6));
    for i in 0..sizes.small_files {
        std::fs::write(local.join(format!("small/f{i:05}")), &small)?;
        std::fs::write(remote.join(format!("small/f{i:05}")), &small)?;
    }
    std::fs::write(local.join("big"), &big)?;
    std::fs::write(remote.join("big"), &big)?;
    for i in 0..sizes.list_files {
        std::fs::write(remote.join(format!("list/f{i:05}")), b"x")?;
    }

    let backend = SftpBackend::builder()
        .host(&s.host)
        .port(s.port)
        .user(&s.user)
        .private_key_file(&s.key)
        .known_hosts(&s.known_hosts)
        .base_path(remote.to_string_lossy().into_owned())
        .build()?;
    let ours = AsyncStore::new(backend);
    rt.block_on(ours.ping())?;
    let direct = rt.block_on(russh_session(&s))?;
    let rbase = remote.to_string_lossy().into_owned();

    // The sftp client's batches.
    let script = |name: &str, lines: Vec<String>| -> BenchResult<PathBuf> {
        let path = local.join(name);
        std::fs::write(&path, lines.join("\n") + "\n")?;
        Ok(path)
    };
    let empty = script("empty.batch", vec!["bye".into()])?;
    let puts = script(
        "puts.batch",
        (0..sizes.small_files)
            .map(|i| format!("put {}/small/f{i:05} {rbase}/put/o{i:05}", local.display()))
            .collect(),
    )?;
    let gets = script(
        "gets.batch",
        (0..sizes.small_files)
            .map(|i| format!("get {rbase}/small/f{i:05} /dev/null"))
            .collect(),
    )?;
    let big_put = script(
        "bigput.batch",
        vec![format!("put {}/big {rbase}/bigput/o", local.display())],
    )?;
    let big_get = script("bigget.batch", vec![format!("get {rbase}/big /dev/null")])?;
    // Listings are quick beside a connect: ten in one batch, a tenth of the time each.
    let list = script("list.batch", vec![format!("ls -l {rbase}/list"); 10])?;
    std::fs::create_dir_all(remote.join("put"))?;
    std::fs::create_dir_all(remote.join("bigput"))?;

    let connect = median(
        (0..5)
            .map(|_| s.openssh(&empty).as_nanos() as f64)
            .collect(),
    );
    let overwrite = WriteOptions::new().overwrite(true);

    let mut section = Section::new(
        "SFTP",
        &format!(
            "SftpBackend · OpenSSH `sftp -b` (less its {} connect) · russh-sftp direct, \
             one sshd on loopback; ratios to OpenSSH",
            duration_label(connect)
        ),
        &["store (SftpBackend)", "OpenSSH sftp", "russh-sftp"],
        1,
    );

    let n = sizes.small_files;
    let small_bytes = Bytes::from(small.clone());
    section.push(Row::new(
        format!("{} × {} put", count_label(n), size_label(sizes.small)),
        measure(
            &rt,
            sizes.rounds,
            connect,
            Jobs {
                ours: Box::new(|rt| {
                    rt.block_on(async {
                        for i in 0..n {
                            ours.write(
                                format!("put/s{i:05}").as_str(),
                                small_bytes.clone(),
                                &overwrite,
                            )
                            .await
                            .expect("put");
                        }
                    })
                }),
                openssh: Box::new(|| s.openssh(&puts)),
                russh: Box::new(|rt| {
                    rt.block_on(async {
                        for i in 0..n {
                            let mut f = direct
                                .create(format!("{rbase}/put/r{i:05}"))
                                .await
                                .expect("create");
                            f.write_all(&small).await.expect("write");
                            f.shutdown().await.expect("close");
                        }
                    })
                }),
            },
        ),
    ));
    section.push(Row::new(
        format!("{} × {} get", count_label(n), size_label(sizes.small)),
        measure(
            &rt,
            sizes.rounds,
            connect,
            Jobs {
                ours: Box::new(|rt| {
                    rt.block_on(async {
                        for i in 0..n {
                            let got = ours
                                .read_bytes(format!("small/f{i:05}").as_str())
                                .await
                                .expect("get");
                            assert_eq!(got.len(), sizes.small);
                        }
                    })
                }),
                openssh: Box::new(|| s.openssh(&gets)),
                russh: Box::new(|rt| {
                    rt.block_on(async {
                        for i in 0..n {
                            let mut f = direct
                                .open(format!("{rbase}/small/f{i:05}"))
                                .await
                                .expect("open");
                            let mut got = Vec::new();
                            f.read_to_end(&mut got).await.expect("read");
                            assert_eq!(got.len(), sizes.small);
                        }
                    })
                }),
            },
        ),
    ));

    let chunk = 1 << 20;
    let stream_of = |data: Bytes| {
        let pieces: Vec<std::io::Result<Bytes>> = (0..data.len())
            .step_by(chunk)
            .map(|at| Ok(data.slice(at..(at + chunk).min(data.len()))))
            .collect();
        AsyncContent::stream(futures::stream::iter(pieces))
    };
    section.push(Row::new(
        format!("{} streamed put", size_label(sizes.big)),
        measure(
            &rt,
            sizes.rounds,
            connect,
            Jobs {
                ours: Box::new(|rt| {
                    rt.block_on(ours.write("bigput/s", stream_of(big.clone()), &overwrite))
                        .expect("put");
                }),
                openssh: Box::new(|| s.openssh(&big_put)),
                russh: Box::new(|rt| {
                    rt.block_on(async {
                        let mut f = direct
                            .create(format!("{rbase}/bigput/r"))
                            .await
                            .expect("create");
                        for piece in big.chunks(chunk) {
                            f.write_all(piece).await.expect("write");
                        }
                        f.shutdown().await.expect("close");
                    })
                }),
            },
        ),
    ));
    section.push(Row::new(
        format!("{} streamed get", size_label(sizes.big)),
        measure(
            &rt,
            sizes.rounds,
            connect,
            Jobs {
                ours: Box::new(|rt| {
                    rt.block_on(async {
                        let mut stream = ours.read("big").await.expect("read");
                        let mut total = 0;
                        while let Some(chunk) = stream.next().await {
                            total += chunk.expect("chunk").len();
                        }
                        assert_eq!(total, sizes.big);
                    })
                }),
                openssh: Box::new(|| s.openssh(&big_get)),
                russh: Box::new(|rt| {
                    rt.block_on(async {
                        let mut f = direct.open(format!("{rbase}/big")).await.expect("open");
                        let mut buf = vec![0u8; chunk];
                        let mut total = 0;
                        loop {
                            let got = f.read(&mut buf).await.expect("read");
                            if got == 0 {
                                break;
                            }
                            total += got;
                        }
                        assert_eq!(total, sizes.big);
                    })
                }),
            },
        ),
    ));
    section.push(Row::new(
        format!("list {} files", count_label(sizes.list_files)),
        measure(
            &rt,
            sizes.rounds,
            connect,
            Jobs {
                ours: Box::new(|rt| {
                    let all: Vec<_> = rt
                        .block_on(async {
                            ours.list_files("list", &ListOptions::new())
                                .await?
                                .try_collect()
                                .await
                        })
                        .expect("list");
                    assert_eq!(all.len(), sizes.list_files);
                }),
                openssh: Box::new(|| {
                    (s.openssh(&list) + Duration::from_nanos(connect as u64) * 9) / 10
                }),
                russh: Box::new(|rt| {
                    let n = rt
                        .block_on(async {
                            direct
                                .read_dir(format!("{rbase}/list"))
                                .await
                                .map(|d| d.count())
                        })
                        .expect("list");
                    assert_eq!(n, sizes.list_files);
                }),
            },
        ),
    ));
    let _ = std::fs::remove_dir_all(&remote);
    Ok(section.render()
        + "\nMiB/s of the streamed rows: size ÷ the cell's time. The sftp client's gets and \
           puts go to /dev/null and come from page-cached local files.\n")
}
