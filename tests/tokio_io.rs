//! `tokio::io::copy` from one store's `reader` into another's `open_atomic` writer: a 256 MiB
//! file moves between two local folders in bounded memory. Its own test binary, so the peak
//! resident set it reads is this copy's and nobody else's.

use std::fs::File;
use std::io::{BufReader, Read, Write};

use store::{AsyncStore, LocalBackend, WriteOptions};

const MIB: usize = 1024 * 1024;
const SIZE: usize = 256 * MIB;

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn files_equal(a: &std::path::Path, b: &std::path::Path) -> bool {
    let (mut a, mut b) = (
        BufReader::new(File::open(a).unwrap()),
        BufReader::new(File::open(b).unwrap()),
    );
    let (mut x, mut y) = (vec![0; MIB], vec![0; MIB]);
    loop {
        let n = a.read(&mut x).unwrap();
        let mut filled = 0;
        while filled < n {
            let m = b.read(&mut y[filled..n]).unwrap();
            if m == 0 {
                return false;
            }
            filled += m;
        }
        if n == 0 {
            return b.read(&mut y).unwrap() == 0;
        }
        if x[..n] != y[..n] {
            return false;
        }
    }
}

#[test]
fn copy_256_mib_between_stores_in_bounded_memory() {
    let (src_dir, dst_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    {
        let mut file = File::create(src_dir.path().join("big.bin")).unwrap();
        let mut chunk = vec![0u8; MIB];
        for i in 0..SIZE / MIB {
            for (j, b) in chunk.iter_mut().enumerate() {
                *b = (i * 31 + j * 7) as u8;
            }
            file.write_all(&chunk).unwrap();
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let before = status_kib("VmHWM:");
    let copied = runtime.block_on(async {
        let src = AsyncStore::new(LocalBackend::new(src_dir.path()));
        let dst = AsyncStore::new(LocalBackend::new(dst_dir.path()));
        let mut reader = src.reader("big.bin").await?;
        let mut writer = dst
            .open_atomic("copy/big.bin", &WriteOptions::new())
            .await?;
        let n = tokio::io::copy(&mut reader, &mut writer).await?;
        assert!(!dst.exists("copy/big.bin").await?, "visible before commit");
        let written = writer.commit().await?;
        assert_eq!(written.size, n);
        Ok::<u64, Box<dyn std::error::Error>>(n)
    });
    let peak = status_kib("VmHWM:");
    assert_eq!(copied.expect("the copy"), SIZE as u64);
    assert!(
        files_equal(
            &src_dir.path().join("big.bin"),
            &dst_dir.path().join("copy/big.bin")
        ),
        "the copy differs from the source"
    );
    println!(
        "256 MiB tokio::io::copy: peak RSS {} KiB ({} KiB before the copy)",
        peak, before
    );
    assert!(
        peak < 32 * 1024,
        "peak RSS {peak} KiB is not under 32 MiB (was {before} KiB before the copy)"
    );
}

#[test]
fn a_dropped_writer_mid_copy_leaves_nothing() {
    let (src_dir, dst_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut file = File::create(src_dir.path().join("a.bin")).unwrap();
    for _ in 0..8 {
        file.write_all(&[5u8; 64 * 1024].repeat(16)).unwrap();
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let src = AsyncStore::new(LocalBackend::new(src_dir.path()));
        let dst = AsyncStore::new(LocalBackend::new(dst_dir.path()));
        let mut reader = src.reader("a.bin").await.unwrap();
        let mut writer = dst
            .open_atomic("deep/a.bin", &WriteOptions::new())
            .await
            .unwrap();
        let mut limited = tokio::io::AsyncReadExt::take(&mut reader, 3 * MIB as u64);
        tokio::io::copy(&mut limited, &mut writer).await.unwrap();
        drop(writer);
        assert!(!dst.exists("deep/a.bin").await.unwrap());
    });
    // The blocking write lets go of its temp and of the folder it made once it sees the
    // failed source, on its own thread: wait for that (bounded), then nothing may be left.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !walk(dst_dir.path()).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let left: Vec<_> = walk(dst_dir.path());
    assert!(left.is_empty(), "left behind: {left:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}
