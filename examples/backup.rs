//! Backs a local folder up to any store a URL names, checks the copy, and lists it: the first
//! program on S3 or SFTP, with the settings as `key=value` arguments (the options of
//! `from_url`, listed per scheme in the README's "Backends at a glance").
//!
//! ```sh
//! # S3 (or moto: endpoint=http://127.0.0.1:<port> allow_http=true)
//! cargo run -p store-examples --features s3 --example backup -- \
//!     s3://my-bucket/backups/today ./data region=eu-west-1 from_env=true
//! # SFTP, checking the server against ~/.ssh/known_hosts
//! cargo run -p store-examples --features sftp --example backup -- \
//!     sftp://backup@sftp.example.com/srv/backup ./data private_key_file=/home/me/.ssh/id_ed25519
//! ```
//!
//! `scripts/test` runs it against the test servers it starts, on both schemes.

use std::path::{Path, PathBuf};

use futures_util::TryStreamExt;
use store::{AsyncStore, ListOptions, Result, WriteOptions};

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(folder)) = (args.next(), args.next()) else {
        eprintln!("usage: backup <store URL> <local folder> [option=value ...]");
        std::process::exit(2);
    };
    let options: Vec<(String, String)> = args
        .map(|arg| match arg.split_once('=') {
            Some((key, value)) => (key.to_owned(), value.to_owned()),
            None => (arg, "true".to_owned()),
        })
        .collect();
    let store = AsyncStore::from_url(&url, options)?;
    store.ping().await?;

    let folder = PathBuf::from(folder);
    let files = local_files(&folder)?;
    let mut bytes = 0;
    for (key, path) in &files {
        // A tokio file streams into the store in chunks; an atomic write never leaves half a
        // file behind, whatever fails.
        let file = tokio::fs::File::open(path).await?;
        let written = store
            .write_atomic(key, file, &WriteOptions::new().overwrite(true))
            .await?;
        bytes += written.size;
    }
    println!("backed up {} files, {bytes} bytes, to {url}", files.len());

    for (key, path) in &files {
        let copy = store.read_bytes(key).await?;
        if copy != std::fs::read(path)? {
            eprintln!("{key}: the copy differs from {}", path.display());
            std::process::exit(1);
        }
    }
    let listed: Vec<_> = store
        .list_files("", &ListOptions::new().recursive(true))
        .await?
        .try_collect()
        .await?;
    for file in &listed {
        println!("  {} ({} bytes)", file.path, file.size);
    }
    println!("checked every file; the store lists {}", listed.len());
    Ok(())
}

/// Every file below `root`, with its key: its path below `root`, `/`-separated.
fn local_files(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push((parts.join("/"), path));
            }
        }
    }
    out.sort();
    Ok(out)
}
