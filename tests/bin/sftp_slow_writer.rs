//! The client the SFTP kill test kills: slow atomic writes of 4 MiB files to `out/f-<i>` of
//! the test server (`STORE_TEST_SFTP_*`, as `scripts/test` exports them), base folder
//! `argv[1]`, one after another, until it is killed.
//!
//! A binary of its own rather than a test of the suite, so that no test runs only under an
//! environment variable.

use std::io::Read;
use std::time::Duration;

use store::{Content, SftpBackend, Store, WriteOptions};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run under scripts/test"))
}

/// `left` bytes of `byte`, 64 KiB every 4 ms.
struct Slow {
    left: usize,
    byte: u8,
}

impl Read for Slow {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(64 * 1024).min(self.left);
        if n > 0 {
            std::thread::sleep(Duration::from_millis(4));
            buf[..n].fill(self.byte);
            self.left -= n;
        }
        Ok(n)
    }
}

fn main() {
    let base = std::env::args()
        .nth(1)
        .expect("usage: sftp_slow_writer <base folder>");
    let backend = SftpBackend::builder()
        .host(env("STORE_TEST_SFTP_HOST"))
        .port(env("STORE_TEST_SFTP_PORT").parse().expect("a port"))
        .user(env("STORE_TEST_SFTP_USER"))
        .private_key_file(env("STORE_TEST_SFTP_KEY"))
        .known_hosts(env("STORE_TEST_SFTP_KNOWN_HOSTS"))
        .base_path(base)
        .build()
        .expect("an SFTP backend");
    let store = Store::new(backend);
    for i in 0u32.. {
        let slow = Slow {
            left: 4 << 20,
            byte: (i % 251) as u8,
        };
        let _ = store.write_atomic(
            format!("out/f-{i}"),
            Content::reader(slow),
            &WriteOptions::new(),
        );
    }
}
