//! Copies or syncs a tree between any two stores, as `rclone copy` and `rclone sync` do:
//!
//! ```sh
//! cargo run --release -p store-examples --features s3,progress-bars --example sync -- \
//!     ./photos s3://my-bucket/photos --transfers 8 --dst region=eu-west-1 --dst from_env=true
//! ```
//!
//! `SRC` and `DST` are store URLs or local paths; `--src key=value` and `--dst key=value` give
//! the options of `from_url` (listed per scheme in the README). Files are compared by size and
//! modification time, `--size-only` or `--checksum`; `--delete` also deletes the destination's
//! extra files (only after an error-free pass); `--verify` reads each copy back and checks its
//! SHA-256 against the source's; `--dry-run` prints the plan and changes nothing. Progress bars on a terminal, one line per file otherwise; the exit code is 1 when
//! anything failed.

use std::sync::Arc;
use std::time::Instant;

use store::ext::{self, Action, Algorithm, Compare, Progress, SyncOptions, TransferOptions};
use store::AsyncStore;

const USAGE: &str =
    "usage: sync SRC DST [--dry-run] [--checksum|--size-only] [--delete] [--verify] \
                     [--transfers N] [--checkers N] [--src key=value]... [--dst key=value]...";

#[tokio::main]
async fn main() {
    match run().await {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("sync: {e}");
            std::process::exit(2);
        }
    }
}

/// One line per finished or failed file, for logs and pipes.
struct Lines;

impl Progress for Lines {
    fn finish(&self, path: &str) {
        println!("copied {path}");
    }

    fn failed(&self, path: &str, error: &store::Error) {
        eprintln!("failed {path}: {error}");
    }
}

/// Bars on a terminal with the `progress-bars` feature; lines otherwise.
fn progress() -> Arc<dyn Progress> {
    #[cfg(feature = "progress-bars")]
    {
        let bars = ext::Bars::new();
        if bars.is_drawn() {
            return Arc::new(bars);
        }
    }
    Arc::new(Lines)
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut urls, mut src_opts, mut dst_opts) = (Vec::new(), Vec::new(), Vec::new());
    let mut options = SyncOptions::new();
    let (mut dry_run, mut delete, mut verify) = (false, false, false);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--dry-run" => dry_run = true,
            "--delete" => delete = true,
            "--verify" => verify = true,
            "--checksum" => options = options.compare(Compare::Checksum(Algorithm::Md5)),
            "--size-only" => options = options.compare(Compare::Size),
            "--transfers" => options = options.transfers(value("--transfers")?.parse()?),
            "--checkers" => options = options.checkers(value("--checkers")?.parse()?),
            "--src" | "--dst" => {
                let pair = value(&arg)?;
                let (k, v) = pair.split_once('=').ok_or(USAGE)?;
                let into = if arg == "--src" {
                    &mut src_opts
                } else {
                    &mut dst_opts
                };
                into.push((k.to_owned(), v.to_owned()));
            }
            flag if flag.starts_with("--") => return Err(format!("{flag}? {USAGE}").into()),
            _ => urls.push(arg),
        }
    }
    let [src_url, dst_url] = <[String; 2]>::try_from(urls).map_err(|_| USAGE)?;
    let src = AsyncStore::from_url(&src_url, src_opts)?;
    let dst = AsyncStore::from_url(&dst_url, dst_opts)?;

    let progress = progress();
    let options = options
        .dry_run(dry_run)
        .transfer(TransferOptions::new().verify(verify).progress(progress));
    let started = Instant::now();
    let report = match delete {
        true => ext::sync(&src, "", &dst, "", &options).await?,
        false => ext::copy_tree(&src, "", &dst, "", &options).await?,
    };
    let seconds = started.elapsed().as_secs_f64();

    if dry_run {
        for line in report.plan.iter().filter(|p| p.action != Action::Skip) {
            println!(
                "would {:?} {} ({:?}, {} bytes)",
                line.action, line.path, line.reason, line.bytes
            );
        }
    }
    for (path, error) in &report.errors {
        eprintln!("error: {path}: {error}");
    }
    if report.deletions_held_back {
        eprintln!("deletions held back: something failed");
    }
    let moved = report.count(Action::Copy) + report.count(Action::Update);
    let (copied, deleted) = match dry_run {
        true => ("to copy", "to delete"),
        false => ("copied", "deleted"),
    };
    println!(
        "{moved} {copied}, {} {deleted}, {} up to date, {} errors; {} bytes in {seconds:.2} s ({:.1} MiB/s)",
        report.count(Action::Delete),
        report.count(Action::Skip),
        report.errors.len(),
        report.bytes,
        report.bytes as f64 / (1 << 20) as f64 / seconds.max(1e-9),
    );
    Ok(report.is_ok())
}
