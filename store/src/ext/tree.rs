//! Moving trees: [`copy_tree`] and [`sync`] between any two stores, with rclone's semantics —
//! compare by size and modification time (or size alone, or a checksum), bounded transfers and
//! checkers, a dry run that returns the plan, and deletions only after an error-free pass.

use std::collections::BTreeMap;

use futures_util::{StreamExt, TryStreamExt};

use super::digest::{self, Algorithm};
use super::transfer::{transfer_sized, TransferOptions};
use crate::entry::FileInfo;
use crate::error::{Error, ErrorKind, Result};
use crate::{AsyncStore, Capability, ListOptions};

/// How a destination file is judged up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Compare {
    /// Same size, and the source not modified later than the destination by more than the
    /// modify window (rclone's default; without a time on either side, size alone).
    #[default]
    SizeAndTime,
    /// Same size.
    Size,
    /// Same size and the same digest, read from both sides (the backends' own digests when both
    /// report one of this algorithm).
    Checksum(Algorithm),
}

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Action {
    /// Copied: missing at the destination.
    Copy,
    /// Copied over the destination's file, which differs.
    Update,
    /// Left alone: the destination's file is up to date.
    Skip,
    /// Deleted from the destination ([`sync`] only): the source has no such file.
    Delete,
}

/// Why an [`Action`] was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The destination has no such file.
    Missing,
    /// The sizes differ.
    SizeDiffers,
    /// The source was modified after the destination.
    SourceNewer,
    /// The digests differ.
    ChecksumDiffers,
    /// The comparison found them the same.
    Identical,
    /// Only the destination has the file.
    Extra,
}

/// One line of the plan: a path relative to both folders, what happens and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Planned {
    /// The path below the source and destination folders.
    pub path: String,
    /// What happens.
    pub action: Action,
    /// Why.
    pub reason: Reason,
    /// The bytes it moves (the source's size for copies and updates, else 0).
    pub bytes: u64,
}

/// What a tree copy or sync did, file by file.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct TreeReport {
    /// Every file considered, in path order, with its action.
    pub plan: Vec<Planned>,
    /// The files whose action failed, with the error (empty on success and in a dry run).
    pub errors: Vec<(String, Error)>,
    /// Bytes moved.
    pub bytes: u64,
    /// Whether nothing was changed on purpose.
    pub dry_run: bool,
    /// Whether [`sync`] held back its deletions because something failed.
    pub deletions_held_back: bool,
}

impl TreeReport {
    /// How many files got `action` (planned, in a dry run; done otherwise, failures aside).
    pub fn count(&self, action: Action) -> usize {
        self.plan
            .iter()
            .filter(|p| p.action == action)
            .filter(|p| !self.errors.iter().any(|(path, _)| *path == p.path))
            .count()
    }

    /// Whether every action succeeded.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty() && !self.deletions_held_back
    }
}

/// The options of [`copy_tree`] and [`sync`].
#[derive(Clone, Debug)]
pub struct SyncOptions {
    compare: Compare,
    modify_window: std::time::Duration,
    transfers: usize,
    checkers: usize,
    dry_run: bool,
    transfer: TransferOptions,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            compare: Compare::default(),
            modify_window: std::time::Duration::from_secs(1),
            transfers: 4,
            checkers: 8,
            dry_run: false,
            transfer: TransferOptions::new().overwrite(true),
        }
    }
}

impl SyncOptions {
    /// rclone's defaults: size and time, 4 transfers, 8 checkers.
    pub fn new() -> Self {
        Self::default()
    }

    /// How files are judged up to date.
    pub fn compare(mut self, compare: Compare) -> Self {
        self.compare = compare;
        self
    }

    /// How much later a source may be modified than its destination and still count as the
    /// same (1 s by default): HTTP dates are whole seconds, and file systems stamp files with
    /// a coarse clock, so times taken on the two sides of a copy do not compare exactly.
    pub fn modify_window(mut self, window: std::time::Duration) -> Self {
        self.modify_window = window;
        self
    }

    /// Files transferred at once (at least 1).
    pub fn transfers(mut self, transfers: usize) -> Self {
        self.transfers = transfers.max(1);
        self
    }

    /// Checksum comparisons at once (at least 1).
    pub fn checkers(mut self, checkers: usize) -> Self {
        self.checkers = checkers.max(1);
        self
    }

    /// Plan only: the report says what would be copied, updated and deleted, and nothing
    /// that changes anything is called.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// How each file is transferred (checksum, verify, progress, cancel flag); `overwrite`
    /// is always on for updates.
    pub fn transfer(mut self, transfer: TransferOptions) -> Self {
        self.transfer = transfer.overwrite(true);
        self
    }
}

/// Copies every file below `src_folder` of `src` that is missing or out of date below
/// `dst_folder` of `dst`; deletes nothing. A missing source folder is `NotFound` (never an
/// empty tree). Per-file failures are in the report, not the `Err`, which is for what stops
/// the whole (listing, capability).
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use store::ext::{self, Action, SyncOptions};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let (src, dst) = (AsyncStore::new(MemoryBackend::new()), AsyncStore::new(MemoryBackend::new()));
/// for name in ["a.txt", "sub/b.txt"] {
///     src.write(format!("photos/{name}"), "x", &WriteOptions::new()).await?;
/// }
/// let report = ext::copy_tree(&src, "photos", &dst, "backup", &SyncOptions::new()).await?;
/// assert_eq!(report.count(Action::Copy), 2);
/// let again = ext::copy_tree(&src, "photos", &dst, "backup", &SyncOptions::new()).await?;
/// assert_eq!(again.count(Action::Skip), 2);
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn copy_tree(
    src: &AsyncStore,
    src_folder: impl AsRef<str>,
    dst: &AsyncStore,
    dst_folder: impl AsRef<str>,
    options: &SyncOptions,
) -> Result<TreeReport> {
    run(
        src,
        src_folder.as_ref(),
        dst,
        dst_folder.as_ref(),
        options,
        false,
    )
    .await
}

/// [`copy_tree`], then deletes the destination's files that the source does not have — only
/// when every copy succeeded (else they are kept and `deletions_held_back` is set).
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use store::ext::{self, Action, SyncOptions};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let (src, dst) = (AsyncStore::new(MemoryBackend::new()), AsyncStore::new(MemoryBackend::new()));
/// src.write("a.txt", "x", &WriteOptions::new()).await?;
/// dst.write("old.txt", "y", &WriteOptions::new()).await?;
/// let plan = ext::sync(&src, "", &dst, "", &SyncOptions::new().dry_run(true)).await?;
/// assert_eq!((plan.count(Action::Copy), plan.count(Action::Delete)), (1, 1));
/// assert!(dst.exists("old.txt").await?); // a dry run changes nothing
/// ext::sync(&src, "", &dst, "", &SyncOptions::new()).await?;
/// assert!(!dst.exists("old.txt").await? && dst.exists("a.txt").await?);
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn sync(
    src: &AsyncStore,
    src_folder: impl AsRef<str>,
    dst: &AsyncStore,
    dst_folder: impl AsRef<str>,
    options: &SyncOptions,
) -> Result<TreeReport> {
    run(
        src,
        src_folder.as_ref(),
        dst,
        dst_folder.as_ref(),
        options,
        true,
    )
    .await
}

async fn run(
    src: &AsyncStore,
    src_folder: &str,
    dst: &AsyncStore,
    dst_folder: &str,
    options: &SyncOptions,
    delete: bool,
) -> Result<TreeReport> {
    if !options.dry_run {
        let needed: &[Capability] = match delete {
            true => &[Capability::Write, Capability::Delete],
            false => &[Capability::Write],
        };
        for cap in needed {
            if !dst.supports(*cap) {
                return Err(Error::unsupported(*cap, dst.capabilities()));
            }
        }
    }
    if !src.is_folder(src_folder).await? {
        return Err(Error::new(
            ErrorKind::NotFound,
            "the source folder does not exist (a tree copy never reads a missing folder as empty)",
        )
        .with_path(src_folder));
    }
    let (sources, targets) =
        futures_util::future::try_join(tree(src, src_folder), tree(dst, dst_folder)).await?;
    let mut plan = compare(
        src, src_folder, dst, dst_folder, &sources, &targets, options,
    )
    .await?;
    if delete {
        plan.extend(
            targets
                .keys()
                .filter(|path| !sources.contains_key(*path))
                .map(|path| Planned {
                    path: path.clone(),
                    action: Action::Delete,
                    reason: Reason::Extra,
                    bytes: 0,
                }),
        );
    }
    plan.sort_by(|a, b| a.path.cmp(&b.path));
    let mut report = TreeReport {
        dry_run: options.dry_run,
        ..TreeReport::default()
    };
    if options.dry_run {
        report.plan = plan;
        return Ok(report);
    }
    let progress = options.transfer.reporter();
    let moving: Vec<&Planned> = plan
        .iter()
        .filter(|p| matches!(p.action, Action::Copy | Action::Update))
        .collect();
    progress.totals(
        moving.len() as u64,
        moving.iter().map(|p| p.bytes).sum::<u64>(),
    );
    let outcomes: Vec<(String, Result<u64>)> = futures_util::stream::iter(moving)
        .map(|p| async move {
            let from = join(src_folder, &p.path);
            let to = join(dst_folder, &p.path);
            let done = transfer_sized(src, &from, dst, &to, Some(p.bytes), &options.transfer)
                .await
                .map(|t| t.bytes);
            (p.path.clone(), done)
        })
        .buffer_unordered(options.transfers)
        .collect()
        .await;
    for (path, outcome) in outcomes {
        match outcome {
            Ok(bytes) => report.bytes += bytes,
            Err(e) => report.errors.push((path, e)),
        }
    }
    let extras: Vec<&Planned> = plan.iter().filter(|p| p.action == Action::Delete).collect();
    if !extras.is_empty() && !report.errors.is_empty() {
        report.deletions_held_back = true;
    } else {
        let deleted: Vec<(String, Result<()>)> = futures_util::stream::iter(extras)
            .map(|p| async move {
                let at = join(dst_folder, &p.path);
                (p.path.clone(), dst.delete(&at, true).await)
            })
            .buffer_unordered(options.checkers)
            .collect()
            .await;
        report.errors.extend(
            deleted
                .into_iter()
                .filter_map(|(p, r)| r.err().map(|e| (p, e))),
        );
    }
    report.errors.sort_by(|a, b| a.0.cmp(&b.0));
    report.plan = plan;
    Ok(report)
}

/// `folder/path`, or `path` at the root.
fn join(folder: &str, path: &str) -> String {
    let folder = folder.trim_matches('/');
    match folder.is_empty() {
        true => path.to_owned(),
        false => format!("{folder}/{path}"),
    }
}

/// Every file below `folder`, by its path relative to `folder`.
async fn tree(store: &AsyncStore, folder: &str) -> Result<BTreeMap<String, FileInfo>> {
    let options = ListOptions::new().recursive(true);
    let prefix = folder.trim_matches('/');
    store
        .list_files(folder, &options)
        .await?
        .try_fold(BTreeMap::new(), |mut files, file| async move {
            let path = file.path.as_str();
            let relative = match prefix.is_empty() {
                true => path,
                false => path
                    .strip_prefix(prefix)
                    .and_then(|p| p.strip_prefix('/'))
                    .unwrap_or(path),
            };
            files.insert(relative.to_owned(), file);
            Ok(files)
        })
        .await
}

/// The copy and update lines of the plan, and the skips.
async fn compare(
    src: &AsyncStore,
    src_folder: &str,
    dst: &AsyncStore,
    dst_folder: &str,
    sources: &BTreeMap<String, FileInfo>,
    targets: &BTreeMap<String, FileInfo>,
    options: &SyncOptions,
) -> Result<Vec<Planned>> {
    let line = |path: &str, action, reason, bytes| Planned {
        path: path.to_owned(),
        action,
        reason,
        bytes,
    };
    let mut plan = Vec::with_capacity(sources.len());
    let mut to_hash = Vec::new();
    for (path, source) in sources {
        let Some(target) = targets.get(path) else {
            plan.push(line(path, Action::Copy, Reason::Missing, source.size));
            continue;
        };
        if source.size != target.size {
            plan.push(line(path, Action::Update, Reason::SizeDiffers, source.size));
            continue;
        }
        match options.compare {
            Compare::Size => plan.push(line(path, Action::Skip, Reason::Identical, 0)),
            Compare::SizeAndTime => match (source.modified_at, target.modified_at) {
                (Some(s), Some(t)) if s > t + options.modify_window => {
                    plan.push(line(path, Action::Update, Reason::SourceNewer, source.size))
                }
                _ => plan.push(line(path, Action::Skip, Reason::Identical, 0)),
            },
            Compare::Checksum(algorithm) => to_hash.push((path, source, target, algorithm)),
        }
    }
    let hashed: Vec<Result<Planned>> = futures_util::stream::iter(to_hash)
        .map(|(path, source, target, algorithm)| async move {
            let same = same_digest(
                src,
                &join(src_folder, path),
                source,
                dst,
                &join(dst_folder, path),
                target,
                algorithm,
            )
            .await?;
            Ok(match same {
                true => line(path, Action::Skip, Reason::Identical, 0),
                false => line(path, Action::Update, Reason::ChecksumDiffers, source.size),
            })
        })
        .buffer_unordered(options.checkers)
        .collect()
        .await;
    for planned in hashed {
        plan.push(planned?);
    }
    Ok(plan)
}

/// Whether two files have the same digest: the backends' own when both report one of
/// `algorithm`, else read from both sides at once.
async fn same_digest(
    src: &AsyncStore,
    src_path: &str,
    source: &FileInfo,
    dst: &AsyncStore,
    dst_path: &str,
    target: &FileInfo,
    algorithm: Algorithm,
) -> Result<bool> {
    let known = |info: &FileInfo| {
        info.digest
            .as_ref()
            .filter(|d| d.algorithm.eq_ignore_ascii_case(algorithm.name()))
            .cloned()
    };
    if let (Some(a), Some(b)) = (known(source), known(target)) {
        return Ok(a.value.eq_ignore_ascii_case(&b.value));
    }
    let (a, b) = futures_util::future::try_join(
        digest::checksum(src, src_path, algorithm),
        digest::checksum(dst, dst_path, algorithm),
    )
    .await?;
    Ok(a == b)
}
