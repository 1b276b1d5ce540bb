//! Side-by-side benchmark of `store` against `std::fs`, `tokio::fs`, OpenDAL and object_store
//! (issue 5). A plain binary rather than criterion: it prints one markdown table per section,
//! each cell the median time per op and its ratio to the section's reference column.
//!
//! ```text
//! cargo run --release --manifest-path bench/Cargo.toml            # the full run
//! cargo run --release --manifest-path bench/Cargo.toml -- --quick # a smoke run, < 1 minute
//! cargo run --release --manifest-path bench/Cargo.toml -- sftp     # SFTP, against the test sshd
//! cargo run --release --manifest-path bench/Cargo.toml -- cloud    # S3 and Azure, against moto and Azurite
//! cargo run --release --manifest-path bench/Cargo.toml -- web      # GCS and WebDAV, against fake-gcs-server and wsgidav
//! cargo run --release --manifest-path bench/Cargo.toml -- layers   # layer stacks over the bare store
//! ```
//!
//! Every row runs all its contenders on the same data in the same process, interleaved in
//! round-robin batches (see [`timing`]); local data lives in a scratch folder under the
//! bench's target dir and is read once before timing, so the page cache is warm. The memory
//! use rows run each job in a child process of this binary (`bench rss <job> <who> <dir>`).

mod async_rows;
mod cloud_rows;
mod config;
mod data;
mod interop_rows;
mod layer_rows;
mod report;
mod rss;
mod sftp_rows;
mod sync_rows;
mod timing;
mod web_rows;

use std::path::Path;

use config::Config;
use data::DataDir;

/// Errors of the bench: reported, never handled.
pub type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn main() -> BenchResult<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => run(Config::full()),
        ["--quick"] => run(Config::quick()),
        ["rss", job, who, dir] => rss::run_child(job, who, Path::new(dir)),
        ["cloud"] => cloud(false),
        ["cloud", "--quick"] => cloud(true),
        ["web"] => web(false),
        ["web", "--quick"] => web(true),
        ["sftp"] => sftp(false),
        ["sftp", "--quick"] => sftp(true),
        ["layers"] => layers(Config::full()),
        ["layers", "--quick"] => layers(Config::quick()),
        _ => Err("usage: bench [--quick] | bench sftp [--quick] | bench cloud [--quick] | bench web [--quick] | bench layers [--quick] | bench rss <job> <contender> <dir>".into()),
    }
}

/// The SFTP rows alone: they need the test sshd (`scripts/servers.sh`).
fn sftp(quick: bool) -> BenchResult<()> {
    let data = DataDir::create()?;
    println!("{}", sftp_rows::section(quick, data.path())?);
    Ok(())
}

/// The S3 and Azure rows: they need the test moto and Azurite (`scripts/servers.sh`).
fn cloud(quick: bool) -> BenchResult<()> {
    println!("{}", cloud_rows::section(quick)?);
    Ok(())
}

/// The GCS and WebDAV rows: they need the test fake-gcs-server and wsgidav
/// (`scripts/servers.sh`).
fn web(quick: bool) -> BenchResult<()> {
    println!("{}", web_rows::section(quick)?);
    Ok(())
}

/// The layer rows alone.
fn layers(cfg: Config) -> BenchResult<()> {
    let data = DataDir::create()?;
    let root = data.path().join("local");
    std::fs::create_dir_all(&root)?;
    sync_rows::prepare_local(&cfg, &root)?;
    println!("{}", layer_rows::section(&cfg, &root)?.render());
    Ok(())
}

/// The whole benchmark: every section, printed as markdown on stdout (progress on stderr).
fn run(cfg: Config) -> BenchResult<()> {
    let data = DataDir::create()?;
    let root = data.path().join("local");
    std::fs::create_dir_all(&root)?;
    eprintln!("data in {}", data.path().display());
    sync_rows::prepare_local(&cfg, &root)?;

    // The runtime of the async rows, and the one OpenDAL's blocking operator drives its async
    // core on. Two workers: the machine this was written for has two cores.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;

    let mut sections = Vec::new();
    eprintln!("sync local…");
    sections.push(sync_rows::local(&cfg, &root, &rt)?.render());
    eprintln!("sync stat floor…");
    sections.push(sync_rows::stat_floor(&cfg, &root)?.render());
    eprintln!("sync memory…");
    sections.push(sync_rows::memory(&cfg, &rt)?.render());
    eprintln!("async local…");
    sections.push(async_rows::local(&cfg, &root, &rt)?.render());
    eprintln!("async memory…");
    sections.push(async_rows::memory(&cfg, &rt)?.render());
    eprintln!("object_store interface…");
    sections.push(interop_rows::local(&cfg, &root, &rt)?.render());
    sections.push(interop_rows::memory(&cfg, &rt)?.render());
    eprintln!("layers…");
    sections.push(layer_rows::section(&cfg, &root)?.render());
    let rss_root = data.path().join("rss");
    std::fs::create_dir_all(&rss_root)?;
    sections.push(rss::section(&cfg, &rss_root)?);

    if cfg.quick {
        println!("_`--quick` smoke run: fewer rounds and smaller data; not for comparison._\n");
    }
    println!(
        "{} timed rounds per row after one warm-up round; each round runs a batch per \
         contender in turn; a cell is the median over rounds of the batch's time per op, \
         then its ratio to the reference column of the section.\n",
        cfg.rounds
    );
    for section in sections {
        println!("{section}");
    }
    println!("{NOTES}");
    Ok(())
}

/// What each cell calls, printed under the tables so a reader can judge the comparison.
const NOTES: &str = "\
What each contender calls, per row (keys are one folder deep, e.g. `r/f000007`, or five deep \
where the row says so, `d/1/2/3/4/f000007`):
- read: `Store::read_bytes` · `std::fs::read` · OpenDAL `read(..).to_bytes()` · object_store \
`get(..).bytes()`; the async rows await the same calls (`tokio::fs::read` as the baseline).
- write (new file): `Store::write` with default options (create-only) · `std::fs::write` · \
OpenDAL `write` · object_store `put` (a staged temp file renamed into place); each batch's \
files are deleted, untimed, after the batch.
- exists/stat: `get_file_info` · `std::fs::metadata` · OpenDAL `stat` · object_store `head` \
(`Store::exists` resolves a key the same way `get_file_info` does).
- list: every file of one flat folder with its size: `list_files` · `read_dir` plus \
`DirEntry::metadata` · OpenDAL `lister` · object_store `list`.
- rename, delete: `Store::rename` (create-only) · `std::fs::rename` · OpenDAL `rename` · \
object_store `rename`; `Store::delete` · `std::fs::remove_file` · OpenDAL `delete` · \
object_store `delete`; each batch's files are moved back or written again, untimed.
- stat against its floor: the race-free floor is `statx` relative to the root's handle for a \
key in the root, and `openat2(O_PATH, RESOLVE_BENEATH)` + `fstat` + `close` below it, through \
rustix; `std::fs::metadata` follows symlinks anywhere on the path and is not race-free.
- OpenDAL's `blocking::Operator` runs each call as a task on a tokio runtime and blocks on it \
(two thread hand-offs per op); object_store's `LocalFileSystem` under `block_on` runs its file \
calls inline, and on a runtime on tokio's blocking pool, as `tokio::fs` does.
- object_store interface: the same `ObjectStore` calls (`get(..).bytes()`, `put` over an \
existing key, `head`, `list`) on `AsObjectStore` over an `AsyncStore` and on object_store's \
own `LocalFileSystem` / `InMemory`; `AsObjectStore`'s `get` reads the file's facts before and \
after opening it (one version for metadata and bytes), and its `put` is an atomic write.
- Memory use: std::fs's `io::copy` of two files uses `copy_file_range` (no user-space buffer); \
`tokio::io::copy` goes through an 8 KiB buffer; object_store copies its `get` stream into a \
multipart upload with one part in flight.";
