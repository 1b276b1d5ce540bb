//! Streams one large file through `Store::read` → `Store::write` (or the async pair) and
//! reports the throughput; run it under `/usr/bin/time -v` to read the peak memory.
//!
//! ```sh
//! cargo run --release --example big_copy -- <dir> <sync|async|std> [size_mib]
//! ```
//! `<dir>` holds the source file (made once, `size_mib` MiB, 1024 by default); each run
//! copies it to a new target and deletes the target afterwards.

use std::io::Write;
use std::time::Instant;

use futures_util::StreamExt;
use store::{AsyncContent, AsyncStore, Content, Store, WriteOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: big_copy <dir> <mode> [mib]")?);
    let mode = args.next().ok_or("mode: sync, async or std")?;
    let mib: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1024);
    let size = mib * 1024 * 1024;
    std::fs::create_dir_all(&dir)?;
    let source = dir.join("source.bin");
    if std::fs::metadata(&source).map(|m| m.len()).ok() != Some(size) {
        let mut file = std::fs::File::create(&source)?;
        let block: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
        for _ in 0..mib {
            file.write_all(&block)?;
        }
        file.sync_all()?;
    }
    let target = format!("target-{mode}.bin");
    let start = Instant::now();
    let copied = match mode.as_str() {
        "std" => std::fs::copy(&source, dir.join(&target))?,
        "sync" => {
            let store = Store::local(&dir);
            let reader = store.read("source.bin")?;
            store
                .write(&target, Content::Reader(reader), &WriteOptions::new())?
                .size
        }
        "async" => tokio::runtime::Runtime::new()?.block_on(async {
            let store = AsyncStore::local(&dir);
            let stream = store.read("source.bin").await?;
            let chunks = stream.map(|chunk| chunk.map_err(std::io::Error::from));
            let result = store
                .write(&target, AsyncContent::stream(chunks), &WriteOptions::new())
                .await?;
            Ok::<_, store::Error>(result.size)
        })?,
        other => return Err(format!("unknown mode {other}").into()),
    };
    let seconds = start.elapsed().as_secs_f64();
    std::fs::remove_file(dir.join(&target))?;
    assert_eq!(copied, size, "copied size");
    println!(
        "{mode}: copied {mib} MiB in {seconds:.3} s = {:.0} MiB/s",
        mib as f64 / seconds
    );
    Ok(())
}
