//! The main job: write, read, list, write atomically and scope a child store, first through
//! the blocking `Store`, then the same through the async `AsyncStore`.
//!
//! It runs on the embedded default, a local folder (`LocalBackend`), created fresh under the
//! system's temp folder; the async part also shows the in-memory backend.

use std::path::Path;

use futures_util::StreamExt;
use store::{AsyncMemoryBackend, AsyncStore, ListOptions, Result, Store, WriteOptions};

fn blocking(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir.join("sync"))?;
    let store = Store::open_local(dir.join("sync"))?;
    println!("[sync] opened {store:?} at {}", store.native_path("")?);

    let written = store.write(
        "reports/2026/q1.csv",
        "region,total\nnorth,12\n",
        &WriteOptions::new(),
    )?;
    println!("[sync] wrote {} ({} bytes)", written.path, written.size);
    store.write_text(
        "reports/2026/q2.csv",
        "region,total\nsouth,7\n",
        &WriteOptions::new(),
    )?;
    println!("[sync] wrote reports/2026/q2.csv");

    let text = store.read_text("reports/2026/q1.csv")?;
    println!(
        "[sync] read reports/2026/q1.csv: {:?}",
        text.lines().collect::<Vec<_>>()
    );

    let summary = store.write_atomic("reports/summary.txt", "2 quarters", &WriteOptions::new())?;
    println!(
        "[sync] wrote {} atomically ({} bytes)",
        summary.path, summary.size
    );

    for file in store.list_files("reports", &ListOptions::new().recursive(true))? {
        let file = file?;
        println!("[sync] listed {} ({} bytes)", file.path, file.size);
    }

    let year = store.child("reports/2026")?;
    let names: Vec<String> = year
        .list_files("", &ListOptions::new().pattern("*.csv"))?
        .map(|f| f.map(|f| f.name))
        .collect::<Result<_>>()?;
    println!(
        "[sync] child store {:?} sees {names:?}",
        year.root().as_str()
    );

    let info = store.get_folder_info("", None)?;
    println!(
        "[sync] store holds {} files, {} bytes",
        info.file_count, info.total_size
    );
    Ok(())
}

async fn asynchronous(dir: &Path) -> Result<()> {
    // The same calls, awaited: on the local folder (a blocking backend that `AsyncStore`
    // wraps in a `SyncBackendAdapter`), then on a natively async in-memory backend, and on one
    // opened from a URL (`s3://bucket/root` or `az://container/root` work the same way, with
    // their options, under the `s3` and `azure` features).
    std::fs::create_dir_all(dir.join("async"))?;
    for store in [
        AsyncStore::open_local(dir.join("async"))?,
        AsyncStore::new(AsyncMemoryBackend::new()),
        AsyncStore::from_url("memory:///scratch", [("", ""); 0])?,
    ] {
        let tag = format!("[async/{}]", store.name());
        println!("{tag} opened {store:?}");
        let written = store
            .write(
                "reports/2026/q1.csv",
                "region,total\nnorth,12\n",
                &WriteOptions::new(),
            )
            .await?;
        println!("{tag} wrote {} ({} bytes)", written.path, written.size);
        let text = store.read_text("reports/2026/q1.csv").await?;
        println!("{tag} read {} lines", text.lines().count());
        store
            .write_atomic("reports/summary.txt", "1 quarter", &WriteOptions::new())
            .await?;
        println!("{tag} wrote reports/summary.txt atomically");
        let mut files = store
            .list_files("reports", &ListOptions::new().recursive(true))
            .await?;
        while let Some(file) = files.next().await {
            let file = file?;
            println!("{tag} listed {} ({} bytes)", file.path, file.size);
        }
        let year = store.child("reports/2026")?;
        println!(
            "{tag} child store exists(q1.csv) = {}",
            year.exists("q1.csv").await?
        );
    }
    Ok(())
}

fn main() -> Result<()> {
    let dir = std::env::temp_dir().join("store-quickstart");
    // Start from an empty folder on every run.
    let _ = std::fs::remove_dir_all(&dir);
    blocking(&dir)?;
    tokio::runtime::Runtime::new()
        .expect("a tokio runtime")
        .block_on(asynchronous(&dir))?;
    println!("done: the files are under {}", dir.display());
    Ok(())
}
