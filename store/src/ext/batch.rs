//! Many paths at once: delete, copy and exists with bounded concurrency and a result per path.
//! A missing capability stops the batch before its first call.

use futures_util::StreamExt;

use crate::error::{Error, ErrorKind, Result};
use crate::{AsyncStore, Capability};

/// Calls at once in a batch, unless the caller says otherwise.
pub const BATCH_CONCURRENCY: usize = 8;

/// Runs `call` over `items`, `concurrency` at once, keeping the input order in the output. A
/// capability refusal stops the launching of further calls; the calls under way finish.
async fn each<I, T, F, Fut>(items: Vec<I>, concurrency: usize, call: F) -> Vec<Result<T>>
where
    F: Fn(I) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let refused = std::sync::atomic::AtomicBool::new(false);
    let refused = &refused;
    let call = &call;
    let mut out: Vec<(usize, Result<T>)> =
        futures_util::stream::iter(items.into_iter().enumerate())
            .map(|(at, item)| async move {
                if refused.load(std::sync::atomic::Ordering::Relaxed) {
                    let not_attempted =
                        Error::new(ErrorKind::Other, "not attempted: a capability was refused");
                    return (at, Err(not_attempted));
                }
                let result = call(item).await;
                if matches!(&result, Err(e) if matches!(e.kind(), ErrorKind::Unsupported(_))) {
                    refused.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                (at, result)
            })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, r)| r).collect()
}

fn require(store: &AsyncStore, cap: Capability) -> Result<()> {
    match store.supports(cap) {
        true => Ok(()),
        false => Err(Error::unsupported(cap, store.capabilities())),
    }
}

/// Deletes every file of `paths`, `concurrency` at once; the results are in the order of
/// `paths`. Without Delete, `Unsupported` before any call.
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use store::ext;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// store.write("a.txt", "x", &WriteOptions::new()).await?;
/// let results = ext::delete_many(&store, ["a.txt", "missing.txt"], false, 8).await?;
/// assert!(results[0].is_ok() && results[1].is_err());
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn delete_many<P: AsRef<str>>(
    store: &AsyncStore,
    paths: impl IntoIterator<Item = P>,
    missing_ok: bool,
    concurrency: usize,
) -> Result<Vec<Result<()>>> {
    require(store, Capability::Delete)?;
    let paths: Vec<P> = paths.into_iter().collect();
    Ok(each(paths, concurrency, |p| async move {
        store.delete(p, missing_ok).await
    })
    .await)
}

/// Copies each `(src, dst)` pair within `store`, `concurrency` at once; the results are in
/// the order of `pairs`. Without Copy, `Unsupported` before any call.
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use store::ext;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// store.write("a.txt", "x", &WriteOptions::new()).await?;
/// let results = ext::copy_many(&store, [("a.txt", "b.txt"), ("a.txt", "c.txt")], false, 8).await?;
/// assert!(results.iter().all(|r| r.is_ok()));
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn copy_many<P: AsRef<str>, Q: AsRef<str>>(
    store: &AsyncStore,
    pairs: impl IntoIterator<Item = (P, Q)>,
    overwrite: bool,
    concurrency: usize,
) -> Result<Vec<Result<()>>> {
    require(store, Capability::Copy)?;
    let pairs: Vec<(P, Q)> = pairs.into_iter().collect();
    Ok(each(pairs, concurrency, |(s, d)| async move {
        store.copy(s, d, overwrite).await
    })
    .await)
}

/// Whether each of `paths` exists, `concurrency` at once, in the order of `paths`.
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use store::ext;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// store.write("a.txt", "x", &WriteOptions::new()).await?;
/// let found: Vec<bool> = ext::exists_many(&store, ["a.txt", "b.txt"], 8)
///     .await?
///     .into_iter()
///     .collect::<store::Result<_>>()?;
/// assert_eq!(found, [true, false]);
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn exists_many<P: AsRef<str>>(
    store: &AsyncStore,
    paths: impl IntoIterator<Item = P>,
    concurrency: usize,
) -> Result<Vec<Result<bool>>> {
    let paths: Vec<P> = paths.into_iter().collect();
    Ok(each(paths, concurrency, |p| async move { store.exists(p).await }).await)
}
