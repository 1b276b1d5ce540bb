//! Memory use: peak RSS of one job, each in a process of its own (this binary, re-run with
//! `rss <job> <contender> <dir>`), so one job's allocations and allocator caches never count
//! against another's. The child prints its `VmHWM` (peak resident set) from
//! `/proc/self/status`; the parent collects them into a table. No wall times: a single 1 GiB
//! copy's duration is dominated by the kernel's writeback of the previous job's output, so it
//! would be noise presented as a result.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use futures::executor::block_on;
use futures::{StreamExt, TryStreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as OsPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use store::{AsyncContent, AsyncStore, Content, ListOptions, Store, WriteOptions};
use tokio::io::AsyncWriteExt;
use tokio::runtime::Runtime;

use crate::config::Config;
use crate::data;
use crate::report::{count_label, size_label};
use crate::BenchResult;

/// The input of the copy jobs.
const SOURCE: &str = "copy/src.bin";
/// The output of the copy jobs, removed by the parent after each job.
const TARGET: &str = "copy/dst.bin";
/// The folder of the listing jobs.
const MANY: &str = "many";

/// The jobs, in row order: the `<job>` argument of the child.
const JOBS: [&str; 4] = ["copy-sync", "copy-async", "list-sync", "list-async"];

/// The contenders of every job, in column order.
const CONTENDERS: [&str; 4] = ["store", "baseline", "opendal", "object_store"];

/// Runs every job × contender in a child process and renders the table.
pub fn section(cfg: &Config, root: &Path) -> BenchResult<String> {
    eprintln!(
        "memory use: writing a {} input and {} files",
        size_label(cfg.copy_bytes as usize),
        count_label(cfg.rss_files)
    );
    data::big_file(&root.join(SOURCE), cfg.copy_bytes)?;
    data::fill(root, MANY, cfg.rss_files, 0)?;

    let floor = child("idle", "none", root)?;
    let mut out = String::new();
    out.push_str(
        "### Memory use — peak RSS of the whole process (VmHWM), one process per cell\n\n",
    );
    out.push_str(
        "| job | Store / AsyncStore | std::fs / tokio::fs (baseline) | OpenDAL | object_store |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|\n");
    for job in JOBS {
        let mut cells = Vec::new();
        for who in CONTENDERS {
            eprintln!("memory use: {job} {who}");
            let m = child(job, who, root)?;
            check(cfg, root, job, who, &m)?;
            cells.push(format!("{:.1} MiB", m.rss_mib));
        }
        out.push_str(&format!(
            "| {} | {} |\n",
            job_label(cfg, job),
            cells.join(" | ")
        ));
    }
    out.push_str(&format!(
        "\nA process that only starts the same tokio runtime and exits peaks at {:.1} MiB.\n",
        floor.rss_mib
    ));
    Ok(out)
}

/// The job did the whole work: a copy of the right size, or a listing of every file.
fn check(cfg: &Config, root: &Path, job: &str, who: &str, m: &Measured) -> BenchResult<()> {
    let (got, want) = if job.starts_with("copy") {
        let got = fs::metadata(root.join(TARGET))?.len();
        fs::remove_file(root.join(TARGET))?;
        (got, cfg.copy_bytes)
    } else {
        (m.items as u64, cfg.rss_files as u64)
    };
    if got == want {
        Ok(())
    } else {
        Err(format!("{job} {who}: got {got}, expected {want}").into())
    }
}

fn job_label(cfg: &Config, job: &str) -> String {
    let copy = size_label(cfg.copy_bytes as usize);
    let files = count_label(cfg.rss_files);
    match job {
        "copy-sync" => format!("sync: {copy} streamed copy"),
        "copy-async" => format!("async: {copy} streamed copy"),
        "list-sync" => format!("sync: list {files} files"),
        _ => format!("async: list {files} files (AsyncStore: listing pulled in batches)"),
    }
}

/// What one child reports.
pub struct Measured {
    pub rss_mib: f64,
    items: usize,
}

/// Runs `bench rss <job> <who> <root>` and parses its report.
pub fn child(job: &str, who: &str, root: &Path) -> BenchResult<Measured> {
    let output = Command::new(std::env::current_exe()?)
        .args(["rss", job, who])
        .arg(root)
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "rss {job} {who} failed: {}\n{stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let field = |name: &str| -> BenchResult<f64> {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .ok_or_else(|| format!("rss {job} {who}: no {name} in {stdout:?}"))?
            .trim()
            .parse::<f64>()
            .map_err(Into::into)
    };
    Ok(Measured {
        rss_mib: field("peak_rss_kib=")? / 1024.0,
        items: field("items=")? as usize,
    })
}

/// The child: runs one job on `root`, then prints its peak RSS and how many files it listed,
/// for the parent to check.
pub fn run_child(job: &str, who: &str, root: &Path) -> BenchResult<()> {
    // Every child starts the same runtime, so the floor is the same for all; the blocking
    // jobs never enter it except OpenDAL's, whose blocking operator needs its handle.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let items = match job {
        "idle" => 0,
        "copy-sync" => copy_sync(who, root, &rt).map(|()| 0)?,
        "copy-async" => rt
            .block_on(rt.spawn(copy_async(who.to_owned(), root.to_owned())))?
            .map(|()| 0)?,
        "list-sync" => list_sync(who, root, &rt)?,
        "list-async" => rt.block_on(rt.spawn(list_async(who.to_owned(), root.to_owned())))??,
        "upload-s3" => rt
            .block_on(crate::cloud_rows::upload("s3", who))
            .map(|()| 0)?,
        "upload-azure" => rt
            .block_on(crate::cloud_rows::upload("azure", who))
            .map(|()| 0)?,
        _ => return Err(format!("unknown job {job}").into()),
    };
    println!("peak_rss_kib={}", peak_rss_kib()?);
    println!("items={items}");
    Ok(())
}

/// `VmHWM` of this process, in KiB.
fn peak_rss_kib() -> BenchResult<u64> {
    let status = fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(line.trim().trim_end_matches("kB").trim().parse()?)
}

fn opendal_fs(root: &Path) -> BenchResult<opendal::Operator> {
    Ok(opendal::Operator::new(
        opendal::services::Fs::default().root(&root.to_string_lossy()),
    )?)
}

/// Copies `SOURCE` to `TARGET` through each contender's streaming API.
fn copy_sync(who: &str, root: &Path, rt: &Runtime) -> BenchResult<()> {
    match who {
        "store" => {
            let store = Store::local(root);
            let reader = store.read(SOURCE)?;
            store.write(TARGET, Content::Reader(reader), &WriteOptions::new())?;
        }
        "baseline" => {
            let mut from = File::open(root.join(SOURCE))?;
            let mut to = File::create(root.join(TARGET))?;
            io::copy(&mut from, &mut to)?;
        }
        "opendal" => {
            let op = {
                let _enter = rt.enter();
                opendal::blocking::Operator::new(opendal_fs(root)?)?
            };
            let mut from = op.reader(SOURCE)?.into_std_read(..)?;
            let mut to = op.writer(TARGET)?.into_std_write();
            io::copy(&mut from, &mut to)?;
            to.close()?;
        }
        "object_store" => {
            let os = LocalFileSystem::new_with_prefix(root)?;
            block_on(os_copy(&os))?;
        }
        _ => return Err(format!("unknown contender {who}").into()),
    }
    Ok(())
}

/// object_store's streaming copy: the GET stream into a multipart upload, one part in flight
/// (what `WriteMultipart` does with a concurrency of one, without needing tokio).
async fn os_copy(os: &LocalFileSystem) -> BenchResult<()> {
    let mut chunks = os.get(&OsPath::from(SOURCE)).await?.into_stream();
    let mut upload = os.put_multipart(&OsPath::from(TARGET)).await?;
    while let Some(chunk) = chunks.next().await {
        upload.put_part(PutPayload::from(chunk?)).await?;
    }
    upload.complete().await?;
    Ok(())
}

async fn copy_async(who: String, root: PathBuf) -> BenchResult<()> {
    match who.as_str() {
        "store" => {
            let store = AsyncStore::local(&root);
            let chunks = store.read(SOURCE).await?.map_err(io::Error::other);
            store
                .write(TARGET, AsyncContent::stream(chunks), &WriteOptions::new())
                .await?;
        }
        "baseline" => {
            let mut from = tokio::fs::File::open(root.join(SOURCE)).await?;
            let mut to = tokio::fs::File::create(root.join(TARGET)).await?;
            tokio::io::copy(&mut from, &mut to).await?;
            to.flush().await?;
        }
        "opendal" => {
            let op = opendal_fs(&root)?;
            let mut chunks = op.reader(SOURCE).await?.into_bytes_stream(..).await?;
            let mut to = op.writer(TARGET).await?;
            while let Some(chunk) = chunks.next().await {
                to.write(chunk?).await?;
            }
            to.close().await?;
        }
        "object_store" => os_copy(&LocalFileSystem::new_with_prefix(&root)?).await?,
        _ => return Err(format!("unknown contender {who}").into()),
    }
    Ok(())
}

/// Lists `MANY` with sizes through each contender; returns how many files it saw.
fn list_sync(who: &str, root: &Path, rt: &Runtime) -> BenchResult<usize> {
    let mut count = 0usize;
    match who {
        "store" => {
            for file in Store::local(root).list_files(MANY, &ListOptions::new())? {
                std::hint::black_box(file?.size);
                count += 1;
            }
        }
        "baseline" => {
            for entry in fs::read_dir(root.join(MANY))? {
                std::hint::black_box(entry?.metadata()?.len());
                count += 1;
            }
        }
        "opendal" => {
            let op = {
                let _enter = rt.enter();
                opendal::blocking::Operator::new(opendal_fs(root)?)?
            };
            for entry in op.lister(&format!("{MANY}/"))? {
                count += usize::from(entry?.metadata().is_file());
            }
        }
        "object_store" => {
            let os = LocalFileSystem::new_with_prefix(root)?;
            count = block_on(os.list(Some(&OsPath::from(MANY))).try_fold(0, |n, meta| {
                std::hint::black_box(meta.size);
                async move { Ok(n + 1) }
            }))?;
        }
        _ => return Err(format!("unknown contender {who}").into()),
    }
    Ok(count)
}

async fn list_async(who: String, root: PathBuf) -> BenchResult<usize> {
    let count = match who.as_str() {
        "store" => {
            AsyncStore::local(&root)
                .list_files(MANY, &ListOptions::new())
                .await?
                .try_fold(0, |n, file| {
                    std::hint::black_box(file.size);
                    async move { Ok(n + 1) }
                })
                .await?
        }
        "baseline" => {
            let mut dir = tokio::fs::read_dir(root.join(MANY)).await?;
            let mut n = 0;
            while let Some(entry) = dir.next_entry().await? {
                std::hint::black_box(entry.metadata().await?.len());
                n += 1;
            }
            n
        }
        "opendal" => {
            opendal_fs(&root)?
                .lister(&format!("{MANY}/"))
                .await?
                .try_fold(0, |n, entry| {
                    let file = entry.metadata().is_file();
                    async move { Ok(n + usize::from(file)) }
                })
                .await?
        }
        "object_store" => {
            LocalFileSystem::new_with_prefix(&root)?
                .list(Some(&OsPath::from(MANY)))
                .try_fold(0, |n, meta| {
                    std::hint::black_box(meta.size);
                    async move { Ok(n + 1) }
                })
                .await?
        }
        _ => return Err(format!("unknown contender {who}").into()),
    };
    Ok(count)
}
