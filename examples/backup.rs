//! Backs a local folder up to any store a URL names — only what changed, 8 files at a time,
//! each verified by reading it back — then lists it: the first program on S3 or SFTP, with the
//! settings as `key=value` arguments (the options of `from_url`, listed per scheme in the
//! README's "Backends at a glance"). `--dry-run` prints what would be copied.
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

use futures_util::TryStreamExt;
use store::ext::{self, Action, SyncOptions, TransferOptions};
use store::{AsyncStore, ListOptions, Result};

#[tokio::main]
async fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let dry_run = args.iter().any(|a| a == "--dry-run");
    args.retain(|a| a != "--dry-run");
    let [url, folder, options @ ..] = args.as_slice() else {
        eprintln!("usage: backup <store URL> <local folder> [--dry-run] [option=value ...]");
        std::process::exit(2);
    };
    let options = options.iter().map(|arg| match arg.split_once('=') {
        Some((key, value)) => (key.to_owned(), value.to_owned()),
        None => (arg.clone(), "true".to_owned()),
    });
    let backup = AsyncStore::from_url(url, options)?;
    backup.ping().await?;
    let local = AsyncStore::open_url(folder)?;

    let sync = SyncOptions::new()
        .transfers(8)
        .dry_run(dry_run)
        .transfer(TransferOptions::new().verify(true));
    let report = ext::copy_tree(&local, "", &backup, "", &sync).await?;
    for (path, error) in &report.errors {
        eprintln!("{path}: {error}");
    }
    let copied = report.count(Action::Copy) + report.count(Action::Update);
    let verb = if dry_run {
        "would copy"
    } else {
        "copied and verified"
    };
    println!(
        "{verb} {copied} files ({} bytes) to {url}; {} up to date",
        report.bytes,
        report.count(Action::Skip)
    );
    if !report.is_ok() {
        std::process::exit(1);
    }
    let listed: Vec<_> = backup
        .list_files("", &ListOptions::new().recursive(true))
        .await?
        .try_collect()
        .await?;
    for file in &listed {
        println!("  {} ({} bytes)", file.path, file.size);
    }
    println!("the store lists {}", listed.len());
    Ok(())
}
